package io.cdcflow.warehouse.write;

/** Where a record was read and its bytes as read, so that a dead letter carries it unchanged. */
public record RecordOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {
}
