package io.cdcflow.capture.config;

/**
 * Where a source keeps its own state (its generation, the trigger strategy's highest published {@code seq}, the
 * timestamp strategy's watermarks): files in the state folder, or the compacted capture state topic in Kafka, which
 * every replica reads, so that a standby without the leader's volume goes on from the same state.
 */
public enum StateStoreKind {
    file, kafka
}
