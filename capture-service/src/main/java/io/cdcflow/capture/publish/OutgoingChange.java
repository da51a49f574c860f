package io.cdcflow.capture.publish;

/**
 * One change ready to publish: its topic, the key and value bytes, and what metrics need to know about it.
 *
 * @param topic      the raw topic, {@code <source>.<schema>.<table>} for row changes
 * @param key        the key bytes (the primary-key columns as JSON), or null for records without a key
 * @param value      the value bytes (the Debezium envelope as JSON)
 * @param table      {@code schema.table}, or empty for heartbeats and other control records
 * @param op         the envelope's op code, or empty for control records
 * @param sourceTsMs the source commit time in epoch milliseconds, 0 when unknown
 */
public record OutgoingChange(String topic, byte[] key, byte[] value, String table, String op, long sourceTsMs) {

    /** True for row changes (as opposed to heartbeats and transaction markers). */
    public boolean isRowChange() {
        return !op.isEmpty();
    }
}
