package io.cdcflow.sink.internal;

import jakarta.enterprise.context.ApplicationScoped;

/** The one {@link HeldPartitions} of the sink's {@code changes} consumer, shared with its rebalance listener. */
@ApplicationScoped
class ChangeConsumerHolds {

    private final HeldPartitions partitions = new HeldPartitions();

    HeldPartitions partitions() {
        return partitions;
    }
}
