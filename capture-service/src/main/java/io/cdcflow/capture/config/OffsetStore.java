package io.cdcflow.capture.config;

/**
 * Where a log-based source keeps its offsets (and, for MySQL/MariaDB, its schema history): files in the state
 * folder, or compacted Kafka topics, which need no volume and survive the loss of a node.
 */
public enum OffsetStore {
    file, kafka
}
