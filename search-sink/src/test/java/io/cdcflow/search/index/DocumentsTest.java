package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.sink.Events;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DocumentsTest {

    private static final RowSchema SCHEMA;

    static {
        try {
            SCHEMA = RowSchema.ofJsonSchemaRow(7, Json.mapper().readTree("""
                    {"properties":{"id":{"connect.type":"int32"},
                     "born":{"connect.type":"int32","connect.name":"io.debezium.time.Date"},
                     "seen":{"connect.type":"int64","connect.name":"io.debezium.time.MicroTimestamp"},
                     "nanos":{"connect.type":"int64","connect.name":"io.debezium.time.NanoTimestamp"},
                     "price":{"connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                              "connect.parameters":{"scale":"2"}}}}"""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, String> DATES = Map.of("id", "integer", "born", "date", "seen", "date",
            "nanos", "date");

    @Test
    void liveDocumentIsTheRowPlusTheSinkFields() {
        ChangeEvent e = Events.event("src", "t", Op.UPDATE, 500, Events.row("id", 1, "price",
                new BigDecimal("12.50")));
        ObjectNode doc = Documents.live(e, new Position(500), null, Map.of());
        assertThat(doc.path("id").asInt()).isEqualTo(1);
        assertThat(doc.path("price").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(doc.path("price").toString()).isEqualTo("12.50");
        assertThat(doc.path(IndexMappings.DELETED).asBoolean()).isFalse();
        assertThat(doc.path(IndexMappings.POSITION).asText()).isEqualTo(new Position(500).sortKey());
        assertThat(doc.path(IndexMappings.OP).asText()).isEqualTo("u");
        assertThat(doc.path(IndexMappings.SOURCE_TS).asLong()).isPositive();
    }

    @Test
    void epochDaysAndMicrosBecomeIsoWhenTheIndexMapsADate() {
        ChangeEvent e = Events.event("src", "t", Op.CREATE, 1, Events.row("id", 1, "born", 19723,
                "seen", 1_704_103_200_123_456L, "nanos", -1L));
        ObjectNode doc = Documents.live(e, new Position(1), SCHEMA, DATES);
        assertThat(doc.path("born").asText()).isEqualTo("2024-01-01");
        assertThat(doc.path("seen").asText()).isEqualTo("2024-01-01T10:00:00.123456Z");
        assertThat(doc.path("nanos").asText()).isEqualTo("1969-12-31T23:59:59.999999999Z");
        assertThat(doc.path("id").asInt()).isEqualTo(1);
    }

    @Test
    void valuesStayAsTheyAreWhenTheIndexMappedTheColumnOtherwiseOrThereIsNoSchema() {
        ChangeEvent e = Events.event("src", "t", Op.CREATE, 1, Events.row("id", 1, "born", 19723));
        assertThat(Documents.live(e, new Position(1), SCHEMA, Map.of("born", "long")).path("born").asInt())
                .isEqualTo(19723);
        assertThat(Documents.live(e, new Position(1), null, DATES).path("born").asInt()).isEqualTo(19723);
    }

    @Test
    void aDecimalKeepsItsExactDigitsAsAString() {
        ChangeEvent e = Events.event("src", "t", Op.CREATE, 1, Events.row("id", 1, "price",
                new BigDecimal("12345678901234567.10")));
        ObjectNode doc = Documents.live(e, new Position(1), SCHEMA, Map.of("price", "double"));
        assertThat(doc.path("price").isTextual()).isTrue();
        assertThat(doc.path("price").asText()).isEqualTo("12345678901234567.10");
    }

    @Test
    void tombstoneHoldsOnlyTheSinkFields() {
        ObjectNode t = Documents.tombstone(Op.DELETE, new Position(900), 123L);
        assertThat(t.path(IndexMappings.DELETED).asBoolean()).isTrue();
        assertThat(t.path(IndexMappings.POSITION).asText()).isEqualTo(new Position(900).sortKey());
        assertThat(t.path(IndexMappings.OP).asText()).isEqualTo("d");
        assertThat(t.size()).isEqualTo(4);
    }
}
