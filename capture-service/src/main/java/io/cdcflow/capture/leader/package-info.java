/**
 * The leader lock that lets one capture-service instance at a time capture a source.
 */
package io.cdcflow.capture.leader;
