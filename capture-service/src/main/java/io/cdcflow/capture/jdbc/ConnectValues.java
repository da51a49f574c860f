package io.cdcflow.capture.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Connect schemas for source columns, and the conversion of one column value, as the database rendered it in a
 * JSON row image ({@code to_jsonb} or {@code JSON_OBJECT}), to the Java value Kafka Connect expects for it.
 */
public final class ConnectValues {

    private static final DateTimeFormatter ZONED_INPUT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HH:mm", "Z").toFormatter();

    private ConnectValues() {
    }

    /** The Connect schema of a column, optional when the column is nullable. */
    public static Schema schema(Column c) {
        SchemaBuilder b = switch (c.type()) {
            case INT16 -> SchemaBuilder.int16();
            case INT32 -> SchemaBuilder.int32();
            case INT64 -> SchemaBuilder.int64();
            case FLOAT32 -> SchemaBuilder.float32();
            case FLOAT64 -> SchemaBuilder.float64();
            case BOOLEAN -> SchemaBuilder.bool();
            case DECIMAL -> Decimal.builder(c.scale());
            case NUMERIC_TEXT, STRING -> SchemaBuilder.string();
            case DATE -> SchemaBuilder.int32().name("io.debezium.time.Date").version(1);
            case TIME -> SchemaBuilder.int64().name("io.debezium.time.MicroTime").version(1);
            case TIMESTAMP -> SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1);
            case TIMESTAMPTZ -> SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1);
            case JSON -> SchemaBuilder.string().name("io.debezium.data.Json").version(1);
            case UUID -> SchemaBuilder.string().name("io.debezium.data.Uuid").version(1);
            case BYTES -> SchemaBuilder.bytes();
            case STRING_ARRAY -> SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA);
            case INT32_ARRAY -> SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA);
            case INT64_ARRAY -> SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA);
        };
        return c.optional() ? b.optional().build() : b.build();
    }

    /**
     * An integer value within the column's range; never truncated: a value out of range means the column's type grew
     * since its shape was read, and publishing it cut would corrupt every sink silently.
     */
    private static long exact(Column c, JsonNode v, long min, long max) {
        long n = v.asLong();
        if (n < min || n > max || (v.isNumber() && !v.canConvertToExactIntegral())) {
            throw new IllegalStateException("column " + c.name() + " (" + c.sqlType() + "): value " + v
                    + " is out of its range; its type changed since its shape was read");
        }
        return n;
    }

    /** The Connect value of a column from its JSON rendering; null stays null. */
    public static Object value(Column c, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return switch (c.type()) {
            case INT16 -> (short) exact(c, v, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> (int) exact(c, v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case INT64 -> v.asLong();
            case FLOAT32 -> (float) v.asDouble();
            case FLOAT64 -> v.asDouble();
            case BOOLEAN -> v.isBoolean() ? v.booleanValue() : v.asInt() != 0;
            case DECIMAL -> decimal(v).setScale(c.scale(), RoundingMode.HALF_EVEN);
            case NUMERIC_TEXT -> v.isNumber() ? v.decimalValue().toPlainString() : v.asText();
            case DATE -> (int) LocalDate.parse(v.asText()).toEpochDay();
            case TIME -> LocalTime.parse(v.asText()).toNanoOfDay() / 1000;
            case TIMESTAMP -> micros(LocalDateTime.parse(v.asText().replace(' ', 'T')).toInstant(ZoneOffset.UTC));
            case TIMESTAMPTZ -> zoned(v);
            case JSON, STRING, UUID -> v.isTextual() ? v.asText() : v.toString();
            case BYTES -> bytes(v.asText());
            case STRING_ARRAY, INT32_ARRAY, INT64_ARRAY -> array(c, v);
        };
    }

    /** Epoch microseconds of an instant. */
    public static long micros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    private static BigDecimal decimal(JsonNode v) {
        return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
    }

    /** An ISO-8601 instant in UTC, as Debezium's ZonedTimestamp; MySQL/MariaDB images give epoch seconds. */
    private static String zoned(JsonNode v) {
        Instant instant;
        if (v.isNumber()) {
            BigDecimal us = v.decimalValue().movePointRight(6).setScale(0, RoundingMode.HALF_EVEN);
            long micros = us.longValueExact();
            instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        } else {
            instant = OffsetDateTime.parse(v.asText().replace(' ', 'T'), ZONED_INPUT).toInstant();
        }
        return instant.atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** PostgreSQL renders bytea as {@code \x} and hex digits; the MySQL/MariaDB image uses base64. */
    private static byte[] bytes(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text.substring(2));
        }
        return Base64.getMimeDecoder().decode(text);
    }

    private static List<Object> array(Column c, JsonNode v) {
        ConnectColumnType element = switch (c.type()) {
            case INT32_ARRAY -> ConnectColumnType.INT32;
            case INT64_ARRAY -> ConnectColumnType.INT64;
            default -> ConnectColumnType.STRING;
        };
        Column e = new Column(c.name(), element, c.sqlType(), true, 0);
        List<Object> out = new ArrayList<>(v.size());
        v.forEach(item -> out.add(value(e, item)));
        return out;
    }
}
