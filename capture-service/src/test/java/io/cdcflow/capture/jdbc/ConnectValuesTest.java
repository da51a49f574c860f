package io.cdcflow.capture.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;
import org.apache.kafka.connect.data.Decimal;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Values as PostgreSQL's to_jsonb and MariaDB's JSON_OBJECT render them become the Connect values Debezium writes. */
class ConnectValuesTest {

    static Object v(ConnectColumnType type, int scale, String json) throws Exception {
        JsonNode node = Json.mapper().readTree(json);
        return ConnectValues.value(new Column("c", type, "", true, scale), node);
    }

    @Test
    void convertsEachRendering() throws Exception {
        assertThat(v(ConnectColumnType.DECIMAL, 2, "1.1")).isEqualTo(new BigDecimal("1.10"));
        assertThat(v(ConnectColumnType.DATE, 0, "\"2024-01-02\"")).isEqualTo(19724);
        assertThat(v(ConnectColumnType.TIMESTAMP, 0, "\"2024-01-02T10:00:00.5\"")).isEqualTo(1704189600500000L);
        assertThat(v(ConnectColumnType.TIMESTAMP, 0, "\"2024-01-02 10:00:00.500000\"")).isEqualTo(1704189600500000L);
        assertThat(v(ConnectColumnType.TIMESTAMPTZ, 0, "\"2024-01-02T10:00:00.123456+02:00\"")).isEqualTo("2024-01-02T08:00:00.123456Z");
        assertThat(v(ConnectColumnType.TIMESTAMPTZ, 0, "\"2024-01-02T10:00:00+05\"")).isEqualTo("2024-01-02T05:00:00Z");
        assertThat(v(ConnectColumnType.TIMESTAMPTZ, 0, "1704189600.123456")).isEqualTo("2024-01-02T10:00:00.123456Z");
        assertThat(v(ConnectColumnType.TIME, 0, "\"10:00:00.25\"")).isEqualTo(36_000_250_000L);
        assertThat(v(ConnectColumnType.BOOLEAN, 0, "1")).isEqualTo(true);
        assertThat(v(ConnectColumnType.BOOLEAN, 0, "false")).isEqualTo(false);
        assertThat((byte[]) v(ConnectColumnType.BYTES, 0, "\"\\\\x0102\"")).containsExactly(1, 2);
        assertThat((byte[]) v(ConnectColumnType.BYTES, 0, "\"AQI=\"")).containsExactly(1, 2);
        assertThat(v(ConnectColumnType.JSON, 0, "{\"a\": 1}")).isEqualTo("{\"a\":1}");
        assertThat(v(ConnectColumnType.NUMERIC_TEXT, 0, "12345678901234567890.123")).isEqualTo("12345678901234567890.123");
        assertThat(v(ConnectColumnType.STRING_ARRAY, 0, "[\"a\", null]")).isEqualTo(java.util.Arrays.asList("a", null));
        assertThat(v(ConnectColumnType.INT64_ARRAY, 0, "[1, 2]")).isEqualTo(List.of(1L, 2L));
        assertThat(v(ConnectColumnType.INT64, 0, "null")).isNull();
    }

    @Test
    void anIntegerOutOfItsColumnsRangeIsNeverTruncated() throws Exception {
        assertThat(v(ConnectColumnType.INT32, 0, "2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThat(v(ConnectColumnType.INT16, 0, "-32768")).isEqualTo((short) -32768);
        // int widened to bigint since the shape was read: publishing 705032704 would corrupt every sink silently.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v(ConnectColumnType.INT32, 0, "5000000000"))
                .hasMessageContaining("out of its range");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v(ConnectColumnType.INT16, 0, "40000"))
                .hasMessageContaining("out of its range");
    }

    @Test
    void decimalsCarryTheirScaleInTheSchema() {
        var schema = ConnectValues.schema(new Column("p", ConnectColumnType.DECIMAL, "numeric", false, 2));
        assertThat(schema.name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(schema.parameters()).containsEntry(Decimal.SCALE_FIELD, "2");
        assertThat(schema.isOptional()).isFalse();
        assertThat(ConnectValues.schema(new Column("d", ConnectColumnType.DATE, "date", true, 0)).name()).isEqualTo("io.debezium.time.Date");
    }
}
