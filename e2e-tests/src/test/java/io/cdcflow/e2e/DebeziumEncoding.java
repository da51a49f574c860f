package io.cdcflow.e2e;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.postgresql.util.PGInterval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value-encoding settings of a Debezium PostgreSQL or MariaDB connector and its JSON converter, and what they make of each
 * column value, as the connector's documentation ("Data type mappings") and Kafka Connect's logical types define it.
 * Values are compared as canonical text in the domain the encoding preserves, so each comparison is exact for what
 * the setting promises and no looser:
 * <ul>
 *   <li>With schemas, a value is compared as the value its logical type denotes: a {@code Decimal} or
 *   {@code VariableScaleDecimal} as its number, {@code MicroTimestamp} (and the warehouse's {@code timestamp}) as the
 *   date-time it counts to, {@code ZonedTimestamp} as its instant, {@code io.debezium.data.Json} as its JSON value,
 *   bytes as their hex. The lossy settings are lossy by definition, and the source value is taken through the same
 *   loss: {@code decimal.handling.mode=double} compares as the nearest double, {@code time.precision.mode=connect}
 *   truncates to milliseconds, {@code interval.handling.mode=numeric} is Debezium's approximate microseconds
 *   ({@code MicroDuration}: months of 365.25/12 days, computed in doubles as Debezium does).
 *   {@code interval.handling.mode=string} keeps months, days and microseconds exactly; the base64 and hex
 *   {@code binary.handling.mode}s and {@code decimal.handling.mode=string} are plain strings, compared as text.</li>
 *   <li>Without schemas no store can know what a number or a string stands for: a value is compared as the JSON the
 *   connector wrote for it (days, microseconds, text), which the stores must keep exactly.</li>
 * </ul>
 */
record DebeziumEncoding(DecimalMode decimal, boolean decimalAsNumber, TimeMode time, BinaryMode binary,
                        IntervalMode interval, boolean schemas, boolean preciseUnsignedBigint) {

    DebeziumEncoding(DecimalMode decimal, boolean decimalAsNumber, TimeMode time, BinaryMode binary,
                     IntervalMode interval, boolean schemas) {
        this(decimal, decimalAsNumber, time, binary, interval, schemas, false);
    }

    /** {@code decimal.handling.mode}. */
    enum DecimalMode { PRECISE, DOUBLE, STRING }

    /** {@code time.precision.mode}. */
    enum TimeMode { ADAPTIVE, ADAPTIVE_TIME_MICROSECONDS, CONNECT }

    /** {@code binary.handling.mode}. */
    enum BinaryMode { BYTES, BASE64, HEX }

    /** {@code interval.handling.mode}. */
    enum IntervalMode { NUMERIC, STRING }

    /** Debezium's and Connect's defaults. */
    static final DebeziumEncoding DEFAULTS = new DebeziumEncoding(DecimalMode.PRECISE, false, TimeMode.ADAPTIVE,
            BinaryMode.BYTES, IntervalMode.NUMERIC, true);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Pattern ISO_INTERVAL = Pattern.compile(
            "P(-?\\d+)Y(-?\\d+)M(-?\\d+)DT(-?\\d+)H(-?\\d+)M(-?[0-9.]+)S");
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    /** The connector (and value converter) settings of this encoding, Debezium's defaults left out. */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        if (decimal != DecimalMode.PRECISE) {
            s.put("decimal.handling.mode", decimal.name().toLowerCase());
        }
        if (decimalAsNumber) {
            s.put("value.converter.decimal.format", "NUMERIC");
        }
        if (time != TimeMode.ADAPTIVE) {
            s.put("time.precision.mode", time.name().toLowerCase());
        }
        if (binary != BinaryMode.BYTES) {
            s.put("binary.handling.mode", binary.name().toLowerCase());
        }
        if (interval != IntervalMode.NUMERIC) {
            s.put("interval.handling.mode", interval.name().toLowerCase());
        }
        if (preciseUnsignedBigint) {
            s.put("bigint.unsigned.handling.mode", "precise");
        }
        if (!schemas) {
            s.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            s.put("value.converter.schemas.enable", "false");
            s.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            s.put("key.converter.schemas.enable", "false");
        }
        return s;
    }

    /** The settings as the README's table names them. */
    @Override
    public String toString() {
        return settings().isEmpty() ? "defaults" : settings().toString();
    }

    // ---- the source: what the connector is defined to deliver for a source value --------------------------------

    /**
     * The canonical form of what the connector delivers for column {@code i} of type {@code jdbcType} (as the
     * PostgreSQL or MariaDB driver names it).
     */
    String expected(String jdbcType, ResultSet rs, int i) throws SQLException {
        if (rs.getObject(i) == null) {
            return "null";
        }
        String type = MariaDbTypes.postgresEquivalent(jdbcType, rs.getMetaData().getPrecision(i));
        return switch (type) {
            case "mariadb_int" -> number(rs.getBigDecimal(i));
            // BIGINT UNSIGNED: a Decimal in precise mode; an int64 by default, whose values above 2^63 - 1 wrap
            case "mariadb_uint8" -> preciseUnsignedBigint ? number(rs.getBigDecimal(i))
                    : Long.toString(rs.getBigDecimal(i).toBigIntegerExact().longValue());
            // BIT(n), n > 1: io.debezium.data.Bits, the bits as bytes in little-endian order, one per 8 bits
            case "mariadb_bits" -> {
                byte[] big = rs.getBytes(i);
                byte[] little = new byte[(rs.getMetaData().getPrecision(i) + 7) / 8];
                for (int b = 0; b < big.length && b < little.length; b++) {
                    little[b] = big[big.length - 1 - b];
                }
                yield schemas ? hex(little) : Base64.getEncoder().encodeToString(little);
            }
            // POINT and the other spatial types: io.debezium.data.geometry.Point {x, y, wkb, srid} and Geometry
            // {wkb, srid}, a struct kept as its JSON (MariaDB gives the SRID, little-endian, then the WKB; SRID 0 is null)
            case "mariadb_point", "mariadb_geometry" -> {
                ByteBuffer stored = ByteBuffer.wrap(rs.getBytes(i)).order(ByteOrder.LITTLE_ENDIAN);
                int srid = stored.getInt();
                byte[] wkb = new byte[stored.remaining()];
                stored.get(wkb);
                ObjectNode g = JSON.createObjectNode();
                if (srid == 0) {
                    g.putNull("srid");
                } else {
                    g.put("srid", srid);
                }
                g.put("wkb", Base64.getEncoder().encodeToString(wkb));
                if (type.equals("mariadb_point")) {
                    ByteBuffer point = ByteBuffer.wrap(wkb).order(wkb[0] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                    g.put("x", point.getDouble(5)).put("y", point.getDouble(13));
                }
                yield json(g);
            }
            // TIMESTAMP: an instant, read in the session's UTC
            case "mariadb_timestamp" -> {
                LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                yield schemas ? v.toInstant(ZoneOffset.UTC).toString() : zonedText(v.atOffset(ZoneOffset.UTC),
                        rs.getMetaData().getScale(i));
            }
            case "numeric" -> {
                BigDecimal v = rs.getBigDecimal(i);
                yield switch (decimal) {
                    case PRECISE -> number(v);
                    case DOUBLE -> real(v.doubleValue());
                    case STRING -> v.toPlainString();
                };
            }
            case "bytea" -> {
                byte[] b = rs.getBytes(i);
                yield switch (binary) {
                    case BYTES -> schemas ? hex(b) : Base64.getEncoder().encodeToString(b);
                    case BASE64 -> Base64.getEncoder().encodeToString(b);
                    case HEX -> HexFormat.of().formatHex(b);
                };
            }
            case "json", "jsonb" -> schemas ? json(parse(rs.getString(i))) : rs.getString(i);
            case "interval" -> {
                PGInterval v = (PGInterval) rs.getObject(i);
                if (interval == IntervalMode.STRING) {
                    // with schemas, the months, days and microseconds the ISO text denotes; without, the text itself:
                    // the fields as PostgreSQL gave them, the seconds' digits without trailing zeros
                    yield schemas ? interval(v) : "P" + v.getYears() + "Y" + v.getMonths() + "M" + v.getDays() + "DT"
                            + v.getHours() + "H" + v.getMinutes() + "M"
                            + BigDecimal.valueOf(v.getSeconds()).stripTrailingZeros().toPlainString() + "S";
                }
                yield Long.toString(debeziumMicros(v));
            }
            case "timestamptz" -> {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                yield schemas ? v.toInstant().toString() : zonedText(v, rs.getMetaData().getScale(i));
            }
            case "timestamp" -> {
                LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                boolean millis = millis(rs.getMetaData().getScale(i));
                LocalDateTime kept = millis ? v.truncatedTo(ChronoUnit.MILLIS) : v;
                if (schemas) {
                    yield kept.toString();
                }
                Instant t = kept.toInstant(ZoneOffset.UTC);
                yield millis ? Long.toString(t.toEpochMilli())
                        : Long.toString(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
            }
            case "date" -> {
                LocalDate v = rs.getObject(i, LocalDate.class);
                yield schemas ? v.toString() : Long.toString(v.toEpochDay());
            }
            case "time" -> {
                LocalTime v = rs.getObject(i, LocalTime.class);
                boolean millis = millis(rs.getMetaData().getScale(i));
                LocalTime kept = millis ? v.truncatedTo(ChronoUnit.MILLIS) : v;
                // adaptive_time_microseconds sends every time as MicroTime, one of precision 3 included
                boolean inMillis = millis && time != TimeMode.ADAPTIVE_TIME_MICROSECONDS;
                yield schemas ? kept.toString() : Long.toString(kept.toNanoOfDay() / (inMillis ? 1_000_000 : 1_000));
            }
            default -> plain(type, rs, i);
        };
    }

    /** ZonedTimestamp's text: UTC, the fraction padded to the column's precision. */
    private static String zonedText(OffsetDateTime v, int width) {
        DateTimeFormatterBuilder text = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE)
                .appendPattern("'T'HH:mm:ss");
        if (width > 0) {
            text.appendFraction(ChronoField.NANO_OF_SECOND, width, width, true);
        }
        return v.withOffsetSameInstant(ZoneOffset.UTC).format(text.appendOffsetId().toFormatter());
    }

    /**
     * Whether a time or timestamp of this precision is delivered in milliseconds: always in {@code connect} mode; in
     * the adaptive modes up to precision 3 ({@code io.debezium.time.Time}, {@code Timestamp}; a value of that
     * precision loses nothing to it).
     */
    private boolean millis(int precision) {
        return time == TimeMode.CONNECT || precision <= 3;
    }

    /** {@code MicroDuration} as Debezium computes it from the interval's fields, in doubles, truncated. */
    static long debeziumMicros(PGInterval v) {
        double days = (v.getYears() * 12 + v.getMonths()) * 30.4375 + v.getDays();
        double seconds = ((days * 24 + v.getHours()) * 60 + v.getMinutes()) * 60 + v.getSeconds();
        return (long) (seconds * 1_000_000.0);
    }

    // ---- the warehouse: typed columns, read as what they hold ----------------------------------------------------

    /** The canonical form of a warehouse column's value, read by the column's own type. */
    String stored(String type, ResultSet rs, int i) throws SQLException {
        if (rs.getObject(i) == null) {
            return "null";
        }
        return switch (type) {
            case "numeric" -> number(rs.getBigDecimal(i));
            case "bytea" -> hex(rs.getBytes(i));
            case "json", "jsonb" -> json(parse(rs.getString(i)));
            case "interval" -> {
                PGInterval v = (PGInterval) rs.getObject(i);
                yield interval == IntervalMode.STRING && schemas ? interval(v) : Long.toString(exactMicros(v));
            }
            case "timestamptz" -> rs.getObject(i, OffsetDateTime.class).toInstant().toString();
            case "timestamp" -> rs.getObject(i, LocalDateTime.class).toString();
            case "date" -> rs.getObject(i, LocalDate.class).toString();
            case "time" -> rs.getObject(i, LocalTime.class).toString();
            default -> plain(type, rs, i);
        };
    }

    /** An interval's length in microseconds, months counted as Debezium's 365.25/12 days, computed exactly. */
    private static long exactMicros(PGInterval v) {
        BigDecimal days = BigDecimal.valueOf(v.getYears() * 12L + v.getMonths()).multiply(new BigDecimal("30.4375"))
                .add(BigDecimal.valueOf(v.getDays()));
        return days.multiply(BigDecimal.valueOf(86_400_000_000L)).add(BigDecimal.valueOf(timeMicros(v)))
                .setScale(0, RoundingMode.DOWN).longValueExact();
    }

    private static long timeMicros(PGInterval v) {
        return (v.getHours() * 3600L + v.getMinutes() * 60L) * 1_000_000L + Math.round(v.getSeconds() * 1_000_000.0);
    }

    /** Months, days and microseconds: what a PostgreSQL interval holds, exactly. */
    private static String interval(PGInterval v) {
        return interval(v.getYears() * 12L + v.getMonths(), v.getDays(), timeMicros(v));
    }

    private static String interval(long months, long days, long micros) {
        return months + " months " + days + " days " + micros + " us";
    }

    /** Types whose value means the same in every encoding. */
    private static String plain(String type, ResultSet rs, int i) throws SQLException {
        return switch (type) {
            case "int2", "int4", "int8" -> Long.toString(rs.getLong(i));
            case "float4" -> real(rs.getFloat(i));
            case "float8" -> real(rs.getDouble(i));
            case "bool" -> Boolean.toString(rs.getBoolean(i));
            default -> {
                if (type.startsWith("_")) {
                    Array a = rs.getArray(i);
                    ArrayNode out = JsonNodeFactory.instance.arrayNode();
                    for (Object o : (Object[]) a.getArray()) {
                        out.add(o == null ? JsonNodeFactory.instance.nullNode() : JSON.valueToTree(o));
                    }
                    yield json(out);
                }
                yield rs.getString(i);
            }
        };
    }

    // ---- Redis and OpenSearch: JSON values, read by the column's registered schema ------------------------------

    /**
     * The canonical form of a value a sink keeps as JSON, decoded by its column's schema as the router registered
     * it (the Avro field type with its {@code connect.name}; only the Avro type for a schema inferred from values).
     */
    static String decoded(JsonNode schema, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        String logical = schema.path("connect.name").asText("");
        String type = schema.isTextual() ? schema.asText() : schema.path("type").asText("");
        switch (logical) {
            case "org.apache.kafka.connect.data.Decimal" -> {
                return number(v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText()));
            }
            case "io.debezium.data.VariableScaleDecimal" -> {
                return number(new BigDecimal(new BigInteger(Base64.getDecoder().decode(v.path("value").asText())),
                        v.path("scale").asInt()));
            }
            case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                return v.isNumber() ? LocalDate.ofEpochDay(v.longValue()).toString() : LocalDate.parse(v.asText()).toString();
            }
            case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time" -> {
                return LocalTime.ofNanoOfDay(v.longValue() * 1_000_000L).toString();
            }
            case "io.debezium.time.MicroTime" -> {
                return LocalTime.ofNanoOfDay(v.longValue() * 1_000L).toString();
            }
            case "io.debezium.time.NanoTime" -> {
                return LocalTime.ofNanoOfDay(v.longValue()).toString();
            }
            case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> {
                return dateTime(v, 1_000L);
            }
            case "io.debezium.time.MicroTimestamp" -> {
                return dateTime(v, 1_000_000L);
            }
            case "io.debezium.time.NanoTimestamp" -> {
                return dateTime(v, 1_000_000_000L);
            }
            case "io.debezium.time.ZonedTimestamp" -> {
                return OffsetDateTime.parse(v.asText()).toInstant().toString();
            }
            case "io.debezium.time.Interval" -> {
                Matcher m = ISO_INTERVAL.matcher(v.asText());
                if (!m.matches()) {
                    return "not an ISO interval: " + v.asText();
                }
                long micros = (Long.parseLong(m.group(4)) * 3600L + Long.parseLong(m.group(5)) * 60L) * 1_000_000L
                        + new BigDecimal(m.group(6)).multiply(MICROS).longValueExact();
                return interval(Long.parseLong(m.group(1)) * 12 + Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)), micros);
            }
            case "io.debezium.data.Json" -> {
                return json(parse(v.asText()));
            }
            default -> {
                // a plain Connect type, or a logical one that is its Connect type's value (Uuid, Enum, Xml...)
            }
        }
        return switch (type) {
            case "bytes" -> hex(Base64.getDecoder().decode(v.asText()));
            case "float" -> real(v.floatValue());
            case "double" -> real(v.doubleValue());
            case "int", "long" -> number(v.decimalValue());
            case "boolean", "string", "enum" -> v.asText();
            default -> v.isValueNode() ? v.asText() : json(v);
        };
    }

    /** An epoch count in {@code perSecond} units, or the ISO instant a search index was given, as UTC date-time. */
    private static String dateTime(JsonNode v, long perSecond) {
        Instant t = v.isNumber()
                ? Instant.ofEpochSecond(Math.floorDiv(v.longValue(), perSecond),
                Math.floorMod(v.longValue(), perSecond) * (1_000_000_000L / perSecond))
                : OffsetDateTime.parse(v.asText()).toInstant();
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC).toString();
    }

    // ---- canonical forms ------------------------------------------------------------------------------------------

    /** A number as its plain digits without trailing zeros: 13.00, 13 and 1.3E1 are one number. */
    static String number(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    /** A float as the shortest digits that denote it, as a number. */
    private static String real(float v) {
        return number(new BigDecimal(Float.toString(v)));
    }

    /** A double as the shortest digits that denote it, as a number. */
    private static String real(double v) {
        return number(new BigDecimal(Double.toString(v)));
    }

    /** Bytes as PostgreSQL prints a bytea. */
    private static String hex(byte[] b) {
        return "\\x" + HexFormat.of().formatHex(b);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JsonNodeFactory.instance.textNode("not JSON: " + text);
        }
    }

    /**
     * A JSON value with its object keys sorted (jsonb does not keep their order) and its numbers as the numbers they
     * denote (7, 7.0 and 7E+0 are one number; a store may write any of them).
     */
    static String json(JsonNode v) {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(numbersCanonical(v), Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode numbersCanonical(JsonNode v) {
        if (v.isNumber()) {
            return JsonNodeFactory.instance.textNode("number " + number(v.decimalValue()));
        }
        if (v.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            v.forEach(e -> out.add(numbersCanonical(e)));
            return out;
        }
        if (v.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            v.fields().forEachRemaining(e -> out.set(e.getKey(), numbersCanonical(e.getValue())));
            return out;
        }
        return v;
    }
}
