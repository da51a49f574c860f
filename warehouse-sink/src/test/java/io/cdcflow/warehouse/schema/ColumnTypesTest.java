package io.cdcflow.warehouse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;
import io.cdcflow.registryclient.RegisteredSchema;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.warehouse.schema.ColumnType.Kind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnTypesTest {

    private static JsonNode json(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ColumnType schema(String column) {
        return ColumnTypes.fromSchema(RowSchema.ofJsonSchemaRow(0, json("{\"properties\":{\"c\":" + column + "}}"))
                .column("c").orElseThrow());
    }

    @Test
    void decimalsAreExactNumericWithPrecisionAndScale() {
        ColumnType t = schema("{\"type\":\"number\",\"connect.type\":\"bytes\","
                + "\"connect.name\":\"org.apache.kafka.connect.data.Decimal\","
                + "\"connect.parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"}}");
        assertThat(t.sqlType()).isEqualTo("numeric(10,2)");
        assertThat(t.toJdbc(json("12345678.90"))).isEqualTo(new BigDecimal("12345678.90"));
        // Kafka Connect's default JSON form of a decimal: base64 of the unscaled two's complement bytes.
        String base64 = Base64.getEncoder().encodeToString(new java.math.BigInteger("1234").toByteArray());
        assertThat(t.toJdbc(json("\"" + base64 + "\""))).isEqualTo(new BigDecimal("12.34"));
    }

    @Test
    void decimalWithoutPrecisionIsUnconstrainedNumeric() {
        ColumnType t = schema("{\"type\":\"number\",\"connect.type\":\"bytes\","
                + "\"connect.name\":\"org.apache.kafka.connect.data.Decimal\",\"connect.parameters\":{\"scale\":\"3\"}}");
        assertThat(t.sqlType()).isEqualTo("numeric");
    }

    @Test
    void variableScaleDecimalReadsItsStruct() {
        ColumnType t = schema("{\"type\":\"object\",\"connect.type\":\"struct\","
                + "\"connect.name\":\"io.debezium.data.VariableScaleDecimal\"}");
        assertThat(t.sqlType()).isEqualTo("numeric");
        String unscaled = Base64.getEncoder().encodeToString(new java.math.BigInteger("-31415").toByteArray());
        assertThat(t.toJdbc(json("{\"scale\":4,\"value\":\"" + unscaled + "\"}"))).isEqualTo(new BigDecimal("-3.1415"));
    }

    @Test
    void temporalLogicalTypes() {
        ColumnType date = schema("{\"type\":\"integer\",\"connect.type\":\"int32\",\"connect.name\":\"io.debezium.time.Date\"}");
        assertThat(date.sqlType()).isEqualTo("date");
        assertThat(date.toJdbc(json("19723"))).isEqualTo(LocalDate.of(2024, 1, 1));

        ColumnType micros = schema("{\"type\":\"integer\",\"connect.type\":\"int64\","
                + "\"connect.name\":\"io.debezium.time.MicroTimestamp\"}");
        assertThat(micros.sqlType()).isEqualTo("timestamp");
        assertThat(micros.toJdbc(json("1704067200123456")))
                .isEqualTo(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 123_456_000));
        assertThat(micros.toJdbc(json("-1"))).isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));

        ColumnType millis = schema("{\"type\":\"integer\",\"connect.type\":\"int64\","
                + "\"connect.name\":\"io.debezium.time.Timestamp\"}");
        assertThat(millis.toJdbc(json("1704067200123"))).isEqualTo(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 123_000_000));

        ColumnType zoned = schema("{\"type\":\"string\",\"connect.type\":\"string\","
                + "\"connect.name\":\"io.debezium.time.ZonedTimestamp\"}");
        assertThat(zoned.sqlType()).isEqualTo("timestamp with time zone");
        assertThat(zoned.toJdbc(json("\"2024-01-01T10:00:00.5Z\"")))
                .isEqualTo(OffsetDateTime.parse("2024-01-01T10:00:00.5Z"));

        ColumnType time = schema("{\"type\":\"integer\",\"connect.type\":\"int64\",\"connect.name\":\"io.debezium.time.MicroTime\"}");
        assertThat(time.toJdbc(json("3600000001"))).isEqualTo(LocalTime.of(1, 0, 0, 1_000));

        ColumnType interval = schema("{\"type\":\"integer\",\"connect.type\":\"int64\","
                + "\"connect.name\":\"io.debezium.time.MicroDuration\"}");
        assertThat(interval.sqlType()).isEqualTo("interval");
        assertThat(interval.toJdbc(json("1500000"))).isEqualTo("1500000 microseconds");
    }

    @Test
    void anIsoIntervalOfStringModeIsAnIntervalColumnGivenTheTextPostgresReads() {
        // interval.handling.mode=string: io.debezium.time.Interval, a string; text would lose the type.
        ColumnType interval = schema("{\"type\":\"string\",\"connect.type\":\"string\","
                + "\"connect.name\":\"io.debezium.time.Interval\"}");
        assertThat(interval.sqlType()).isEqualTo("interval");
        assertThat(interval.toJdbc(json("\"P0Y-1M-3DT-4H-5M-6.5S\""))).isEqualTo("P0Y-1M-3DT-4H-5M-6.5S");
    }

    @Test
    void jsonUuidBytesAndPlainConnectTypes() {
        ColumnType j = schema("{\"type\":[\"string\",\"null\"],\"connect.type\":\"string\",\"connect.name\":\"io.debezium.data.Json\"}");
        assertThat(j.sqlType()).isEqualTo("jsonb");
        assertThat(j.toJdbc(json("\"{\\\"a\\\":1}\""))).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> j.toJdbc(json("\"{not json\""))).isInstanceOf(ValueConversionException.class);

        ColumnType u = schema("{\"type\":\"string\",\"connect.type\":\"string\",\"connect.name\":\"io.debezium.data.Uuid\"}");
        assertThat(u.sqlType()).isEqualTo("uuid");
        UUID id = UUID.randomUUID();
        assertThat(u.toJdbc(json("\"" + id + "\""))).isEqualTo(id);

        ColumnType b = schema("{\"type\":\"string\",\"connect.type\":\"bytes\"}");
        assertThat(b.sqlType()).isEqualTo("bytea");
        assertThat((byte[]) b.toJdbc(json("\"AQID\""))).containsExactly(1, 2, 3);

        assertThat(schema("{\"type\":\"integer\",\"connect.type\":\"int16\"}").sqlType()).isEqualTo("smallint");
        assertThat(schema("{\"type\":\"integer\",\"connect.type\":\"int32\"}").sqlType()).isEqualTo("integer");
        assertThat(schema("{\"type\":\"integer\",\"connect.type\":\"int64\"}").sqlType()).isEqualTo("bigint");
        assertThat(schema("{\"type\":\"number\",\"connect.type\":\"float64\"}").sqlType()).isEqualTo("double precision");
        assertThat(schema("{\"type\":\"array\",\"connect.type\":\"array\"}").sqlType()).isEqualTo("jsonb");
        assertThat(schema("{\"type\":\"string\",\"connect.type\":\"string\",\"connect.name\":\"io.debezium.data.Enum\"}")
                .sqlType()).isEqualTo("text");
        assertThat(schema("{\"type\":[\"integer\",\"null\"]}").sqlType()).isEqualTo("numeric");
    }

    @Test
    void integersRefuseWhatDoesNotFit() {
        ColumnType i = schema("{\"type\":\"integer\",\"connect.type\":\"int32\"}");
        assertThat(i.toJdbc(json("42"))).isEqualTo(42);
        assertThatThrownBy(() -> i.toJdbc(json("1.5"))).isInstanceOf(ValueConversionException.class);
        assertThatThrownBy(() -> i.toJdbc(json("\"abc\""))).isInstanceOf(ValueConversionException.class);
        assertThatThrownBy(() -> i.toJdbc(json("4294967296"))).isInstanceOf(ValueConversionException.class);
        assertThat(i.toJdbc(json("null"))).isNull();
    }

    @Test
    void inferenceFromValues() {
        assertThat(ColumnTypes.inferred(json("1")).orElseThrow().kind()).isEqualTo(Kind.NUMERIC);
        assertThat(ColumnTypes.inferred(json("1.25")).orElseThrow().toJdbc(json("1.25"))).isEqualTo(new BigDecimal("1.25"));
        assertThat(ColumnTypes.inferred(json("true")).orElseThrow().sqlType()).isEqualTo("boolean");
        assertThat(ColumnTypes.inferred(json("\"x\"")).orElseThrow().sqlType()).isEqualTo("text");
        assertThat(ColumnTypes.inferred(json("{\"a\":[1]}")).orElseThrow().sqlType()).isEqualTo("jsonb");
        assertThat(ColumnTypes.inferred(json("null"))).isEmpty();
        // An inferred number column takes decimals only, never base64 (which "abc" would pass for).
        assertThatThrownBy(() -> ColumnTypes.inferred(json("1")).orElseThrow().toJdbc(json("\"abc\"")))
                .isInstanceOf(ValueConversionException.class);
    }

    @Test
    void existingColumnsAreReadByTheirSqlType() {
        assertThat(ColumnTypes.forSqlType("date").toJdbc(json("0"))).isEqualTo(LocalDate.of(1970, 1, 1));
        assertThat(ColumnTypes.forSqlType("timestamp without time zone").toJdbc(json("1000000")))
                .isEqualTo(LocalDateTime.of(1970, 1, 1, 0, 0, 1));
        assertThat(ColumnTypes.forSqlType("timestamp with time zone").kind()).isEqualTo(Kind.TIMESTAMPTZ);
        assertThat(ColumnTypes.forSqlType("numeric(10,2)").kind()).isEqualTo(Kind.NUMERIC);
        assertThat(ColumnTypes.forSqlType("numeric(10,2)").sqlType()).isEqualTo("numeric(10,2)");
        assertThat(ColumnTypes.forSqlType("character varying(20)").kind()).isEqualTo(Kind.TEXT);
        assertThat(ColumnTypes.forSqlType("jsonb").kind()).isEqualTo(Kind.JSON_TEXT);
    }

    @Test
    void rowTypesReadTheRoutersEnvelopeSchema() {
        String envelope = "{\"type\":\"object\",\"definitions\":{\"Value\":{\"type\":\"object\",\"properties\":{"
                + "\"id\":{\"type\":\"integer\",\"connect.type\":\"int32\"},"
                + "\"born\":{\"type\":[\"integer\",\"null\"],\"connect.type\":\"int32\",\"connect.name\":\"io.debezium.time.Date\"}"
                + "},\"required\":[\"id\"]}}}";
        RowTypes row = RowTypes.of(new RegisteredSchema(5, "JSON", envelope).rowSchema().orElseThrow());
        assertThat(row.columns().keySet()).containsExactly("id", "born");
        assertThat(row.type("born").orElseThrow().sqlType()).isEqualTo("date");
        assertThat(new RegisteredSchema(6, "JSON", "{\"type\":\"object\"}").rowSchema()).isEmpty();
    }
}
