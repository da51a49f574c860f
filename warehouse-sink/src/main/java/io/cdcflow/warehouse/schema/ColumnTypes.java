package io.cdcflow.warehouse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.registryclient.ColumnSchema;
import io.cdcflow.warehouse.schema.ColumnType.Kind;

import java.util.Locale;
import java.util.Optional;

/**
 * Maps a source column to its warehouse column type. With a registered schema, the column's
 * {@code connect.name} (logical type) decides first, then its {@code connect.type}, then its JSON {@code type}:
 *
 * <table>
 *   <caption>Source type to warehouse column type</caption>
 *   <tr><th>connect.name / connect.type</th><th>JSON value</th><th>PostgreSQL column</th></tr>
 *   <tr><td>{@code org.apache.kafka.connect.data.Decimal} (parameters {@code scale},
 *       {@code connect.decimal.precision})</td><td>number (or decimal string, or base64 unscaled bytes)</td>
 *       <td>{@code numeric(p,s)}; {@code numeric} when the precision is unknown (exact, never float)</td></tr>
 *   <tr><td>{@code io.debezium.data.VariableScaleDecimal}</td><td>{@code {"scale":s,"value":"<base64>"}}</td>
 *       <td>{@code numeric}</td></tr>
 *   <tr><td>{@code io.debezium.time.Date}, {@code org.apache.kafka.connect.data.Date}</td><td>days since epoch</td>
 *       <td>{@code date}</td></tr>
 *   <tr><td>{@code io.debezium.time.Time}, {@code org.apache.kafka.connect.data.Time}</td><td>millis of day</td>
 *       <td>{@code time}</td></tr>
 *   <tr><td>{@code io.debezium.time.MicroTime} / {@code NanoTime}</td><td>micros / nanos of day</td>
 *       <td>{@code time}</td></tr>
 *   <tr><td>{@code io.debezium.time.ZonedTime}</td><td>ISO time with offset</td><td>{@code time with time zone}</td></tr>
 *   <tr><td>{@code io.debezium.time.Timestamp}, {@code org.apache.kafka.connect.data.Timestamp}</td>
 *       <td>epoch millis</td><td>{@code timestamp} (without time zone: the source value had none)</td></tr>
 *   <tr><td>{@code io.debezium.time.MicroTimestamp} / {@code NanoTimestamp}</td><td>epoch micros / nanos</td>
 *       <td>{@code timestamp}</td></tr>
 *   <tr><td>{@code io.debezium.time.ZonedTimestamp}</td><td>ISO-8601 string with offset</td>
 *       <td>{@code timestamp with time zone}</td></tr>
 *   <tr><td>{@code io.debezium.time.MicroDuration}</td><td>micros</td><td>{@code interval}</td></tr>
 *   <tr><td>{@code io.debezium.time.Interval} ({@code interval.handling.mode=string})</td>
 *       <td>ISO 8601 {@code P1Y2M3DT4H5M6.78S}</td><td>{@code interval} (PostgreSQL reads that form: years, months,
 *       days and microseconds kept exactly)</td></tr>
 *   <tr><td>{@code io.debezium.data.Json}</td><td>JSON text</td><td>{@code jsonb}</td></tr>
 *   <tr><td>{@code io.debezium.data.Uuid}</td><td>string</td><td>{@code uuid}</td></tr>
 *   <tr><td>{@code int8}, {@code int16} / {@code int32} / {@code int64}</td><td>integer</td>
 *       <td>{@code smallint} / {@code integer} / {@code bigint}</td></tr>
 *   <tr><td>{@code float32} / {@code float64}</td><td>number</td><td>{@code real} / {@code double precision}</td></tr>
 *   <tr><td>{@code boolean}</td><td>boolean</td><td>{@code boolean}</td></tr>
 *   <tr><td>{@code string} (also {@code io.debezium.data.Enum}, {@code Xml}, ...)</td><td>string</td>
 *       <td>{@code text}</td></tr>
 *   <tr><td>{@code bytes} (also {@code io.debezium.data.Bits})</td><td>base64 string</td><td>{@code bytea}</td></tr>
 *   <tr><td>{@code array}, {@code map}, other {@code struct}s (geometries...)</td><td>JSON value</td>
 *       <td>{@code jsonb}</td></tr>
 *   <tr><td>only a JSON {@code type}: integer / number, boolean, string, object / array</td><td></td>
 *       <td>{@code numeric}, {@code boolean}, {@code text}, {@code jsonb}</td></tr>
 * </table>
 *
 * <p>Without a schema (no {@code cdc.schema.id} header, or the registry does not know the id), a column that
 * already exists is read according to its SQL type (an integer in a {@code date} column is days since the epoch,
 * in a {@code timestamp} column epoch microseconds, Debezium's default), and a new column's type is inferred
 * from its first non-null JSON value: any number {@code numeric} (a JSON value does not tell its width, and
 * {@code numeric} holds every one exactly), boolean {@code boolean}, string {@code text}, object or array
 * {@code jsonb}; a column whose value is null is not created until a value shows up (its rows are null anyway).
 * Temporal columns therefore need the schema to get their proper types.
 */
public final class ColumnTypes {

    private ColumnTypes() {
    }

    /** The type of a column as its registered value schema declares it. */
    public static ColumnType fromSchema(ColumnSchema column) {
        String logical = column.logicalName();
        String connect = column.type();
        Optional<ColumnType> byName = byLogicalName(logical, column);
        if (byName.isPresent()) {
            return byName.get();
        }
        return switch (connect) {
            case "int8", "int16" -> ColumnType.of(Kind.SMALLINT);
            case "int32" -> ColumnType.of(Kind.INTEGER);
            case "int64" -> ColumnType.of(Kind.BIGINT);
            case "float32" -> ColumnType.of(Kind.REAL);
            case "float64" -> ColumnType.of(Kind.DOUBLE);
            case "boolean" -> ColumnType.of(Kind.BOOLEAN);
            case "string" -> ColumnType.of(Kind.TEXT);
            case "bytes" -> ColumnType.of(Kind.BYTEA);
            case "struct", "map", "array" -> ColumnType.of(Kind.JSON_VALUE);
            default -> byJsonType(column.jsonType());
        };
    }

    /** The type inferred from one JSON value; empty for null, whose column waits for a value. */
    public static Optional<ColumnType> inferred(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(switch (value.getNodeType()) {
            case NUMBER -> ColumnType.of(Kind.NUMERIC);
            case BOOLEAN -> ColumnType.of(Kind.BOOLEAN);
            case OBJECT, ARRAY, POJO -> ColumnType.of(Kind.JSON_VALUE);
            default -> ColumnType.of(Kind.TEXT);
        });
    }

    /** How to read values for an existing column of this SQL type (as {@code format_type} prints it). */
    public static ColumnType forSqlType(String sqlType) {
        String t = sqlType.toLowerCase(Locale.ROOT);
        Kind kind;
        if (t.endsWith("[]")) {
            kind = Kind.TEXT;
        } else if (t.equals("smallint")) {
            kind = Kind.SMALLINT;
        } else if (t.equals("integer")) {
            kind = Kind.INTEGER;
        } else if (t.equals("bigint")) {
            kind = Kind.BIGINT;
        } else if (t.equals("real")) {
            kind = Kind.REAL;
        } else if (t.equals("double precision")) {
            kind = Kind.DOUBLE;
        } else if (t.startsWith("numeric")) {
            kind = Kind.NUMERIC;
        } else if (t.equals("boolean")) {
            kind = Kind.BOOLEAN;
        } else if (t.equals("bytea")) {
            kind = Kind.BYTEA;
        } else if (t.equals("date")) {
            kind = Kind.DATE_DAYS;
        } else if (t.startsWith("timestamp") && t.contains("with time zone") && !t.contains("without")) {
            kind = Kind.TIMESTAMPTZ;
        } else if (t.startsWith("timestamp")) {
            kind = Kind.TIMESTAMP_MICROS;
        } else if (t.startsWith("time") && t.contains("with time zone") && !t.contains("without")) {
            kind = Kind.TIMETZ;
        } else if (t.startsWith("time")) {
            kind = Kind.TIME_MICROS;
        } else if (t.startsWith("interval")) {
            kind = Kind.INTERVAL_MICROS;
        } else if (t.equals("jsonb") || t.equals("json")) {
            kind = Kind.JSON_TEXT;
        } else if (t.equals("uuid")) {
            kind = Kind.UUID_TEXT;
        } else {
            kind = Kind.TEXT;
        }
        return new ColumnType(kind, sqlType, 0);
    }

    private static Optional<ColumnType> byLogicalName(String logical, ColumnSchema column) {
        if ("org.apache.kafka.connect.data.Decimal".equals(logical)) {
            return Optional.of(decimal(column));
        }
        Kind kind = switch (logical) {
            case "io.debezium.data.VariableScaleDecimal" -> Kind.VARIABLE_NUMERIC;
            case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> Kind.DATE_DAYS;
            case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time" -> Kind.TIME_MILLIS;
            case "io.debezium.time.MicroTime" -> Kind.TIME_MICROS;
            case "io.debezium.time.NanoTime" -> Kind.TIME_NANOS;
            case "io.debezium.time.ZonedTime" -> Kind.TIMETZ;
            case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> Kind.TIMESTAMP_MILLIS;
            case "io.debezium.time.MicroTimestamp" -> Kind.TIMESTAMP_MICROS;
            case "io.debezium.time.NanoTimestamp" -> Kind.TIMESTAMP_NANOS;
            case "io.debezium.time.ZonedTimestamp" -> Kind.TIMESTAMPTZ;
            case "io.debezium.time.MicroDuration", "io.debezium.time.Interval" -> Kind.INTERVAL_MICROS;
            case "io.debezium.data.Json" -> Kind.JSON_TEXT;
            case "io.debezium.data.Uuid" -> Kind.UUID_TEXT;
            case "io.debezium.data.Bits" -> Kind.BYTEA;
            default -> null; // no logical name, or one stored as its Connect type (Enum, Xml, Year...)
        };
        return Optional.ofNullable(kind).map(ColumnType::of);
    }

    /** {@code numeric(p,s)} when the precision is known and valid for PostgreSQL, else unconstrained {@code numeric}. */
    static ColumnType decimal(ColumnSchema column) {
        int scale = column.intParameter("scale").orElse(0);
        int precision = column.intParameter("connect.decimal.precision").orElse(-1);
        if (precision >= 1 && precision <= 1000 && scale >= 0 && scale <= precision) {
            return new ColumnType(Kind.DECIMAL, "numeric(" + precision + "," + scale + ")", scale);
        }
        return new ColumnType(Kind.DECIMAL, "numeric", Math.max(scale, 0));
    }

    private static ColumnType byJsonType(String jsonType) {
        return switch (jsonType) {
            case "integer", "number" -> ColumnType.of(Kind.NUMERIC);
            case "boolean" -> ColumnType.of(Kind.BOOLEAN);
            case "object", "array" -> ColumnType.of(Kind.JSON_VALUE);
            default -> ColumnType.of(Kind.TEXT);
        };
    }

}
