package io.cdcflow.capture.publish;

import java.util.List;

/**
 * Where a polling source hands its batches: returns only once every record is acknowledged by Kafka (the
 * factories pass {@code KafkaChangePublisher} plus metrics; tests may pass their own producer).
 */
@FunctionalInterface
public interface BatchPublisher {

    /** Publishes the batch; throws when any record was not acknowledged, so nothing of it counts as published. */
    void publish(List<OutgoingChange> batch) throws InterruptedException;
}
