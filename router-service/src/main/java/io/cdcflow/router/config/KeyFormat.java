package io.cdcflow.router.config;

/** How a validated record's key is written. */
public enum KeyFormat {
    /** As it came: the key columns as a JSON object (capture-service's keys, Debezium's JSON keys). */
    PLAIN,
    /**
     * The key columns in the Confluent wire format, encoded as {@code value-format} says, under the table's key
     * schema registered for {@code <validated topic>-key}. A new key schema gives new key bytes, so a row's later
     * changes may go to another partition; the sinks order by position, not by partition, and stay exact.
     */
    FRAMED
}
