package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventSerdeTest {

    @Test
    void readsAStockDebeziumPostgresUpdateWithoutSchema() {
        Envelope envelope = ChangeEventSerde.readValue(fixture("pg-update-schemaless.json"));
        ChangeEvent e = envelope.event();

        assertThat(envelope.hasConnectSchema()).isFalse();
        assertThat(e.op()).isEqualTo(Op.UPDATE);
        assertThat(e.before().get("email").asText()).isEqualTo("sally.thomas@acme.com");
        assertThat(e.after().get("email").asText()).isEqualTo("sally@example.com");
        assertThat(e.after().get("balance").decimalValue()).isEqualByComparingTo(new BigDecimal("12.50"));
        assertThat(e.after().get("balance").decimalValue().scale()).isEqualTo(2);
        assertThat(e.table()).isEqualTo(new TableRef("inventory", "public", "customers"));
        assertThat(e.source().tsMs()).isEqualTo(1732500000123L);
        assertThat(e.tsMs()).isEqualTo(1732500000456L);
        assertThat(e.position()).isEqualTo(new Position(24023928));
        assertThat(e.transaction()).isEqualTo(new TransactionInfo("748:24023928", 1, 1));
    }

    @Test
    void readsAStockDebeziumPostgresInsertWithItsConnectSchema() {
        Envelope envelope = ChangeEventSerde.readValue(fixture("pg-insert-with-schema.json"));

        assertThat(envelope.hasConnectSchema()).isTrue();
        assertThat(envelope.connectSchema().get("name").asText()).isEqualTo("inventory.public.customers.Envelope");
        assertThat(envelope.event().op()).isEqualTo(Op.CREATE);
        assertThat(envelope.event().before()).isNull();
        assertThat(envelope.event().after().get("id").asLong()).isEqualTo(1004);
        assertThat(envelope.event().position()).isEqualTo(new Position(24025000));
    }

    @Test
    void aConnectSchemaIsKeptAsItsBytesAndEqualWhereverItRepeats() throws Exception {
        byte[] stock = fixture("pg-insert-with-schema.json");
        JsonNode tree = Json.mapper().readTree(stock);
        Envelope fast = ChangeEventSerde.readValue(stock);
        // The same value with the fields the other way round takes the general path.
        com.fasterxml.jackson.databind.node.ObjectNode reversed = Json.mapper().createObjectNode();
        reversed.set("payload", tree.get("payload"));
        reversed.set("schema", tree.get("schema"));
        Envelope general = ChangeEventSerde.readValue(Json.mapper().writeValueAsBytes(reversed));

        assertThat(fast.connectSchema()).isEqualTo(tree.get("schema"));
        assertThat(general.connectSchema()).isEqualTo(tree.get("schema"));
        assertThat(fast.event()).isEqualTo(general.event());
        assertThat(ChangeEventSerde.readValue(stock).connectSchemaJson()).isEqualTo(fast.connectSchemaJson())
                .hasSameHashCodeAs(fast.connectSchemaJson());
        // Another schema is another key.
        com.fasterxml.jackson.databind.node.ObjectNode other = tree.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) other.get("schema")).put("name", "other.Envelope");
        assertThat(ChangeEventSerde.readValue(Json.mapper().writeValueAsBytes(other)).connectSchemaJson())
                .isNotEqualTo(fast.connectSchemaJson());
        // A wrapper whose schema is null has none; a third field makes the whole value the envelope (and not one).
        assertThat(ChangeEventSerde.readValue(bytes("{\"schema\":null,\"payload\":" + tree.get("payload") + "}"))
                .hasConnectSchema()).isFalse();
        assertThatThrownBy(() -> ChangeEventSerde.readValue(bytes("{\"schema\":{},\"payload\":" + tree.get("payload")
                + ",\"x\":1}"))).isInstanceOf(MalformedEventException.class).hasMessageContaining("'op'");
    }

    @Test
    void aValueWithTheExpectedSchemaReadsAsTheGeneralPathReadsIt() throws Exception {
        JsonNode tree = Json.mapper().readTree(fixture("pg-insert-with-schema.json"));
        byte[] compact = Json.mapper().writeValueAsBytes(tree); // as Connect's JSON converter writes it
        RawJson schema = ChangeEventSerde.readValue(compact).connectSchemaJson();

        Envelope known = ChangeEventSerde.readValue(compact, schema);
        assertThat(known.connectSchemaJson()).isSameAs(schema);
        assertThat(known.event()).isEqualTo(ChangeEventSerde.readValue(compact).event());

        // Another schema, a value of another form or a broken payload take the general path, which reads or names it.
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("schema")).put("name", "other.Envelope");
        byte[] other = Json.mapper().writeValueAsBytes(tree);
        Envelope otherEnvelope = ChangeEventSerde.readValue(other, schema);
        assertThat(otherEnvelope.connectSchemaJson()).isNotEqualTo(schema);
        assertThat(otherEnvelope.connectSchema().get("name").asText()).isEqualTo("other.Envelope");
        String text = new String(compact, StandardCharsets.UTF_8);
        assertThat(ChangeEventSerde.readValue(bytes(text.replace(",\"payload\":", ", \"payload\" : ")), schema)
                .connectSchemaJson()).isEqualTo(schema);
        assertThatThrownBy(() -> ChangeEventSerde.readValue(bytes(text.substring(0, text.length() - 1)
                + ",\"extra\":1}"), schema)).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> ChangeEventSerde.readValue(bytes(text.replace("\"op\":", "\"op\"")), schema))
                .isInstanceOf(MalformedEventException.class)
                .extracting(e -> ((MalformedEventException) e).reason())
                .isEqualTo(MalformedEventException.Reason.UNPARSEABLE_JSON);
        assertThatThrownBy(() -> ChangeEventSerde.readValue(bytes(text.substring(0, text.length() - 1) + "{}}"), schema))
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    void snapshotRowsOrderBelowEveryStreamedChange() {
        ChangeEvent read = ChangeEventSerde.readValue(fixture("pg-snapshot-read.json")).event();
        ChangeEvent update = ChangeEventSerde.readValue(fixture("pg-update-schemaless.json")).event();

        assertThat(read.op()).isEqualTo(Op.READ);
        assertThat(read.position()).isEqualTo(Position.SNAPSHOT);
        assertThat(update.position().isNewerThan(read.position())).isTrue();
    }

    @Test
    void readsAMySqlDeleteAndPacksItsBinlogPosition() {
        ChangeEvent e = ChangeEventSerde.readValue(fixture("mysql-delete-schemaless.json")).event();

        assertThat(e.op()).isEqualTo(Op.DELETE);
        assertThat(e.row().get("id").asInt()).isEqualTo(1003);
        assertThat(e.table()).isEqualTo(new TableRef("inventory", "inventory", "customers"));
        assertThat(e.position()).isEqualTo(Position.binlog(0, 3, 484, 0));
    }

    @Test
    void writesTheEnvelopeBackWithEverySourceField() {
        ChangeEvent e = ChangeEventSerde.readValue(fixture("pg-update-schemaless.json")).event();
        JsonNode written = ChangeEventSerde.toJson(e);
        ChangeEvent again = ChangeEventSerde.readValue(ChangeEventSerde.writeValue(e)).event();

        assertThat(written.get("source").get("sequence").asText()).isEqualTo("[\"24023120\",\"24023928\"]");
        assertThat(again).isEqualTo(e);
    }

    @Test
    void readsKeysBareOrWrapped() {
        assertThat(ChangeEventSerde.readKey(bytes("{\"id\":1001}")).asString()).isEqualTo("1001");
        assertThat(ChangeEventSerde.readKey(bytes("{\"schema\":{\"type\":\"struct\"},\"payload\":{\"order_id\":7,\"line_no\":2}}"))
                .asString()).isEqualTo("7:2");
        assertThat(ChangeEventSerde.readKey(bytes("{\"k\":\"a:b\"}")).asString())
                .isNotEqualTo(ChangeEventSerde.readKey(bytes("{\"k\":\"a\",\"l\":\"b\"}")).asString());
    }

    @Test
    void namesWhyARecordIsNotAnEvent() {
        assertReason("{not json", MalformedEventException.Reason.UNPARSEABLE_JSON);
        assertReason("[1,2]", MalformedEventException.Reason.NOT_AN_ENVELOPE);
        assertReason("{\"after\":{\"id\":1}}", MalformedEventException.Reason.NOT_AN_ENVELOPE);
        assertReason("{\"op\":\"x\",\"after\":{\"id\":1},\"source\":{}}", MalformedEventException.Reason.UNKNOWN_OP);
        assertReason("{\"op\":\"c\",\"after\":null,\"source\":{}}", MalformedEventException.Reason.NOT_AN_ENVELOPE);
        assertReason("{\"op\":\"d\",\"before\":null,\"source\":{}}", MalformedEventException.Reason.NOT_AN_ENVELOPE);
        assertThatThrownBy(() -> ChangeEventSerde.readValue(null))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(MalformedEventException.Reason.NOT_AN_ENVELOPE));
        assertThatThrownBy(() -> ChangeEventSerde.readKey(bytes("{}")))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(MalformedEventException.Reason.MISSING_KEY));
    }

    @Test
    void refusesAnEventItCannotOrder() {
        ChangeEvent e = ChangeEventSerde.readValue(bytes(
                "{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"connector\":\"postgresql\",\"snapshot\":\"false\"}}")).event();
        assertThatThrownBy(e::position).isInstanceOfSatisfying(MalformedEventException.class,
                ex -> assertThat(ex.reason()).isEqualTo(MalformedEventException.Reason.BAD_POSITION));
    }

    @Test
    void refusesANumberBeyondBigDecimalsRangeAsUnparseable() {
        // Found by ChangeEventSerdeFuzzTest: Jackson throws a bare NumberFormatException for such exponents.
        assertReason("{\"op\":\"c\",\"after\":{\"id\":1e9999223372036854775808},\"source\":{}}",
                MalformedEventException.Reason.UNPARSEABLE_JSON);
        assertThatThrownBy(() -> ChangeEventSerde.readKey(bytes("{\"id\":1e9999223372036854775808}")))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(MalformedEventException.Reason.MISSING_KEY));
    }

    private static void assertReason(String json, MalformedEventException.Reason reason) {
        assertThatThrownBy(() -> ChangeEventSerde.readValue(bytes(json)))
                .isInstanceOfSatisfying(MalformedEventException.class, ex -> assertThat(ex.reason()).isEqualTo(reason));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = ChangeEventSerdeTest.class.getResourceAsStream("/debezium/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
