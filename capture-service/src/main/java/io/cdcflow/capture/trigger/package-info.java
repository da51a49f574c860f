/**
 * The trigger-based strategy: change-log tables and the triggers that fill them (installed only when missing or
 * changed), polled in sequence order.
 */
package io.cdcflow.capture.trigger;
