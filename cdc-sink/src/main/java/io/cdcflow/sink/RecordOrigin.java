package io.cdcflow.sink;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Where a record was read from, with its key, value and headers as read, so that a dead letter carries it unchanged
 * (its {@code cdc.schema.id}, and the {@code cdc.redrive.*} headers of a record an operator sent back).
 *
 * @param topic     the topic
 * @param partition the partition
 * @param offset    the offset
 * @param key       the key bytes (may be null)
 * @param value     the value bytes (may be null)
 * @param headers   the record's headers
 */
public record RecordOrigin(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {

    /** A record without headers. */
    public RecordOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {
        this(topic, partition, offset, key, value, new RecordHeaders());
    }
}
