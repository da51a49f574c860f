package io.cdcflow.sink;

/**
 * Where a record was read from, with its key and value bytes as read, so that a dead letter carries it unchanged.
 *
 * @param topic     the topic
 * @param partition the partition
 * @param offset    the offset
 * @param key       the key bytes (may be null)
 * @param value     the value bytes (may be null)
 */
public record RecordOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {
}
