/**
 * Publishing change events to Kafka: the producer and its settings, topic names, the Connect JSON of keys and
 * values, and the {@code BatchPublisher} the polling sources hand their batches to.
 */
package io.cdcflow.capture.publish;
