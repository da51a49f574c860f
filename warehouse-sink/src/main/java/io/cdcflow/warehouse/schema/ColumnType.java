package io.cdcflow.warehouse.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * The warehouse type of one column: the SQL type its column is created with, and how a JSON value of the event
 * becomes the Java value bound to that column (see {@link ColumnTypes} for which source type gets which).
 *
 * @param kind    how values are read
 * @param sqlType the PostgreSQL type used in {@code CREATE TABLE} / {@code ADD COLUMN}
 * @param scale   the scale of a Kafka Connect {@code Decimal} (to read its base64 form); 0 otherwise
 */
public record ColumnType(Kind kind, String sqlType, int scale) {

    public ColumnType {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sqlType, "sqlType");
    }

    /** A type with the kind's default SQL type. */
    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, kind.defaultSqlType, 0);
    }

    /** The value to bind for {@code value}; null for a JSON null or an absent value. */
    public Object toJdbc(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        try {
            return kind.read(value, scale);
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            throw new ValueConversionException("value " + abbreviate(value) + " is not a " + sqlType + ": "
                    + e.getMessage());
        }
    }

    private static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** How JSON values of a column are read, and the SQL type a column of that kind gets by default. */
    public enum Kind {
        SMALLINT("smallint") {
            Object read(JsonNode v, int scale) {
                return integral(v).shortValueExact();
            }
        },
        INTEGER("integer") {
            Object read(JsonNode v, int scale) {
                return integral(v).intValueExact();
            }
        },
        BIGINT("bigint") {
            Object read(JsonNode v, int scale) {
                return integral(v).longValueExact();
            }
        },
        REAL("real") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? v.floatValue() : Float.parseFloat(text(v));
            }
        },
        DOUBLE("double precision") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? v.doubleValue() : Double.parseDouble(text(v));
            }
        },
        /** Exact decimals: a JSON number or a decimal string. */
        NUMERIC("numeric") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? v.decimalValue() : new BigDecimal(text(v).trim());
            }
        },
        /**
         * Kafka Connect's {@code Decimal}: a JSON number ({@code decimal.format=NUMERIC}), a decimal string, or the
         * converter's default form, base64 of the unscaled two's-complement bytes with the schema's scale.
         */
        DECIMAL("numeric") {
            Object read(JsonNode v, int scale) {
                if (v.isNumber()) {
                    return v.decimalValue();
                }
                String t = text(v);
                try {
                    return new BigDecimal(t);
                } catch (NumberFormatException e) {
                    return new BigDecimal(new BigInteger(Base64.getDecoder().decode(t)), scale);
                }
            }
        },
        /** Debezium's {@code VariableScaleDecimal}: {@code {"scale": s, "value": <base64 unscaled>}}. */
        VARIABLE_NUMERIC("numeric") {
            Object read(JsonNode v, int scale) {
                if (v.isObject()) {
                    byte[] unscaled = Base64.getDecoder().decode(text(v.path("value")));
                    return new BigDecimal(new BigInteger(unscaled), v.path("scale").asInt());
                }
                return NUMERIC.read(v, scale);
            }
        },
        BOOLEAN("boolean") {
            Object read(JsonNode v, int scale) {
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                String t = text(v);
                if (t.equals("true") || t.equals("false")) {
                    return Boolean.parseBoolean(t);
                }
                throw new IllegalArgumentException("not a boolean");
            }
        },
        TEXT("text") {
            Object read(JsonNode v, int scale) {
                return v.isValueNode() ? v.asText() : v.toString();
            }
        },
        /** Bytes, base64 in the JSON (the Kafka Connect JSON converter's form). */
        BYTEA("bytea") {
            Object read(JsonNode v, int scale) {
                return Base64.getDecoder().decode(text(v));
            }
        },
        /** Days since the epoch ({@code io.debezium.time.Date}, Connect {@code Date}) or an ISO date. */
        DATE_DAYS("date") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? LocalDate.ofEpochDay(integral(v).longValueExact()) : LocalDate.parse(text(v));
            }
        },
        TIME_MILLIS("time") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? LocalTime.ofNanoOfDay(integral(v).longValueExact() * 1_000_000L)
                        : LocalTime.parse(text(v));
            }
        },
        TIME_MICROS("time") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? LocalTime.ofNanoOfDay(integral(v).longValueExact() * 1_000L)
                        : LocalTime.parse(text(v));
            }
        },
        TIME_NANOS("time") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? LocalTime.ofNanoOfDay(integral(v).longValueExact()) : LocalTime.parse(text(v));
            }
        },
        /** {@code io.debezium.time.ZonedTime}: an ISO time with offset, checked, bound as text. */
        TIMETZ("time with time zone") {
            Object read(JsonNode v, int scale) {
                return OffsetTime.parse(text(v)).toString();
            }
        },
        TIMESTAMP_MILLIS("timestamp") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? utc(Math.floorDiv(integral(v).longValueExact(), 1_000L),
                        Math.floorMod(integral(v).longValueExact(), 1_000L) * 1_000_000L) : LocalDateTime.parse(text(v));
            }
        },
        TIMESTAMP_MICROS("timestamp") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? utc(Math.floorDiv(integral(v).longValueExact(), 1_000_000L),
                        Math.floorMod(integral(v).longValueExact(), 1_000_000L) * 1_000L) : LocalDateTime.parse(text(v));
            }
        },
        TIMESTAMP_NANOS("timestamp") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? utc(Math.floorDiv(integral(v).longValueExact(), 1_000_000_000L),
                        Math.floorMod(integral(v).longValueExact(), 1_000_000_000L)) : LocalDateTime.parse(text(v));
            }
        },
        /** {@code io.debezium.time.ZonedTimestamp}: an ISO-8601 timestamp with offset. */
        TIMESTAMPTZ("timestamp with time zone") {
            Object read(JsonNode v, int scale) {
                return OffsetDateTime.parse(text(v));
            }
        },
        /**
         * {@code io.debezium.time.MicroDuration} (microseconds) or {@code io.debezium.time.Interval} (ISO 8601 text,
         * which PostgreSQL reads as it is), bound as PostgreSQL interval text.
         */
        INTERVAL_MICROS("interval") {
            Object read(JsonNode v, int scale) {
                return v.isNumber() ? integral(v).longValueExact() + " microseconds" : text(v);
            }
        },
        /** {@code io.debezium.data.Json}: JSON carried as text; checked to be JSON, bound as text, cast to jsonb. */
        JSON_TEXT("jsonb") {
            Object read(JsonNode v, int scale) {
                if (!v.isTextual()) {
                    return v.toString();
                }
                try {
                    Json.mapper().readTree(v.textValue());
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("not JSON text: " + e.getOriginalMessage());
                }
                return v.textValue();
            }
        },
        /** Structs, maps and arrays: the JSON value itself, stored as jsonb. */
        JSON_VALUE("jsonb") {
            Object read(JsonNode v, int scale) {
                return v.toString();
            }
        },
        UUID_TEXT("uuid") {
            Object read(JsonNode v, int scale) {
                return UUID.fromString(text(v));
            }
        };

        private final String defaultSqlType;

        Kind(String defaultSqlType) {
            this.defaultSqlType = defaultSqlType;
        }

        abstract Object read(JsonNode v, int scale);

        public String defaultSqlType() {
            return defaultSqlType;
        }
    }

    private static BigInteger integral(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.decimalValue().toBigIntegerExact();
        }
        return new BigInteger(text(v).trim());
    }

    private static String text(JsonNode v) {
        if (!v.isValueNode() || v.isNull()) {
            throw new IllegalArgumentException("expected a scalar, got " + v.getNodeType());
        }
        return v.asText();
    }

    private static LocalDateTime utc(long epochSecond, long nanos) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond, nanos), ZoneOffset.UTC);
    }
}
