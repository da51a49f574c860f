package io.cdcflow.capture.jdbc;

import java.sql.Types;
import java.util.Locale;

/**
 * The Kafka Connect type a source column is published with, chosen from its JDBC metadata the way Debezium's
 * connectors choose (decimals exact, dates as days, timestamps as epoch microseconds, zoned timestamps as ISO
 * strings); anything without a closer match is published as a string.
 */
public enum ConnectColumnType {
    INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN,
    /** {@code org.apache.kafka.connect.data.Decimal} with the column's scale, written as a JSON number. */
    DECIMAL,
    /** A numeric without a declared scale: its exact decimal text. */
    NUMERIC_TEXT,
    /** {@code io.debezium.time.Date}: days since the epoch. */
    DATE,
    /** {@code io.debezium.time.MicroTime}: microseconds since midnight. */
    TIME,
    /** {@code io.debezium.time.MicroTimestamp}: epoch microseconds of a timestamp without time zone. */
    TIMESTAMP,
    /** {@code io.debezium.time.ZonedTimestamp}: an ISO-8601 instant in UTC. */
    TIMESTAMPTZ,
    /** {@code io.debezium.data.Json}: the JSON text. */
    JSON,
    /** {@code io.debezium.data.Uuid}. */
    UUID,
    BYTES, STRING,
    /** PostgreSQL arrays of text, 32-bit and 64-bit integers. */
    STRING_ARRAY, INT32_ARRAY, INT64_ARRAY;

    /**
     * The type of a column from {@code DatabaseMetaData.getColumns}: its {@code DATA_TYPE}, {@code TYPE_NAME},
     * {@code COLUMN_SIZE} and {@code DECIMAL_DIGITS}.
     */
    public static ConnectColumnType of(int jdbcType, String typeName, int size, int digits) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        switch (name) {
            case "bool", "boolean" -> { return BOOLEAN; }
            case "timestamptz" -> { return TIMESTAMPTZ; }
            case "json", "jsonb" -> { return JSON; }
            case "uuid" -> { return UUID; }
            case "_text", "_varchar", "_bpchar" -> { return STRING_ARRAY; }
            case "_int4", "_int2" -> { return INT32_ARRAY; }
            case "_int8" -> { return INT64_ARRAY; }
            case "tinyint", "smallint", "int2", "year" -> { return INT16; }
            case "mediumint" -> { return INT32; }
            default -> { }
        }
        return switch (jdbcType) {
            case Types.BIT, Types.BOOLEAN -> size > 1 ? BYTES : BOOLEAN;
            case Types.TINYINT, Types.SMALLINT -> INT16;
            case Types.INTEGER -> name.contains("unsigned") ? INT64 : INT32;
            case Types.BIGINT -> INT64;
            case Types.REAL -> FLOAT32;
            case Types.FLOAT, Types.DOUBLE -> FLOAT64;
            // PostgreSQL reports an unconstrained numeric with a huge or zero precision: no fixed scale to declare.
            case Types.NUMERIC, Types.DECIMAL -> size <= 0 || size > 1000 ? NUMERIC_TEXT : DECIMAL;
            case Types.DATE -> DATE;
            case Types.TIME -> TIME;
            case Types.TIMESTAMP -> TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BYTES;
            default -> STRING;
        };
    }
}
