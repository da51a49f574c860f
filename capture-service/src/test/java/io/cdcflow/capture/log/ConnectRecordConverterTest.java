package io.cdcflow.capture.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.model.Json;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The converter writes what Kafka Connect's JSON converter with schemas enabled writes, reusing serialized schemas. */
class ConnectRecordConverterTest {

    private static Schema row(String name, boolean withNote) {
        SchemaBuilder b = SchemaBuilder.struct().name("src.public.items.Value").optional()
                .field("id", Schema.INT64_SCHEMA)
                .field("price", Decimal.builder(2).parameter("connect.decimal.precision", "10").optional().build());
        if (withNote) {
            b.field("note", Schema.OPTIONAL_STRING_SCHEMA);
        }
        return b.field("name", Schema.STRING_SCHEMA).build();
    }

    private static Schema envelope(Schema row) {
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("connector", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
        return SchemaBuilder.struct().name("src.public.items.Envelope")
                .field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    private static SourceRecord record(Schema envelope, long id, String name) {
        Schema row = envelope.field("after").schema();
        Struct after = new Struct(row).put("id", id).put("price", new BigDecimal("12.50")).put("name", name);
        Struct source = new Struct(envelope.field("source").schema()).put("connector", "postgresql").put("schema", "public")
                .put("table", "items").put("ts_ms", 1_700_000_000_000L).put("lsn", 4242L);
        Struct value = new Struct(envelope).put("after", after).put("source", source).put("op", "c").put("ts_ms", 1_700_000_000_123L);
        Schema keySchema = SchemaBuilder.struct().name("src.public.items.Key").field("id", Schema.INT64_SCHEMA).build();
        return new SourceRecord(Map.of(), Map.of(), "src.public.items", null, keySchema, new Struct(keySchema).put("id", id),
                envelope, value);
    }

    private static JsonNode stock(SourceRecord r) throws Exception {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), false);
        return Json.mapper().readTree(c.fromConnectData(r.topic(), r.valueSchema(), r.value()));
    }

    @Test
    void valuesAreWhatTheJsonConverterWithSchemasWrites() throws Exception {
        ConnectRecordConverter converter = new ConnectRecordConverter();
        Schema envelope = envelope(row("v1", false));
        for (long id = 1; id <= 3; id++) {
            SourceRecord r = record(envelope, id, "item " + id + " \"quoted\" ü");
            OutgoingChange out = converter.convert(r);
            assertThat(Json.mapper().readTree(out.value())).isEqualTo(stock(r));
            assertThat(new String(out.key())).isEqualTo("{\"id\":" + id + "}");
            assertThat(out.op()).isEqualTo("c");
            assertThat(out.table()).isEqualTo("public.items");
            assertThat(out.sourceTsMs()).isEqualTo(1_700_000_000_000L);
        }
        assertThat(Json.mapper().readTree(converter.convert(record(envelope, 1, "x")).value()).at("/payload/after/price").decimalValue())
                .isEqualByComparingTo("12.50");
    }

    /**
     * A change streamed after a start from offsets committed in the middle of an incremental snapshot comes from
     * Debezium marked {@code snapshot: "true"}; published so, consumers would order it as a snapshot read (below every
     * change) and skip it. It is published as a streamed change; snapshot reads keep their marker.
     */
    @Test
    void aStreamedChangeIsNeverPublishedAsASnapshotRead() throws Exception {
        Schema row = row("v1", false);
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("connector", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().name("src.public.items.Envelope")
                .field("before", row).field("after", row).field("source", source).field("op", Schema.STRING_SCHEMA).build();
        ConnectRecordConverter converter = new ConnectRecordConverter();
        for (String op : new String[] {"c", "u", "d", "r"}) {
            for (String marker : new String[] {"true", "incremental", "last", "false"}) {
                Struct image = new Struct(row).put("id", 7L).put("name", "n");
                Struct value = new Struct(envelope).put("before", op.equals("c") || op.equals("r") ? null : image)
                        .put("after", op.equals("d") ? null : image).put("op", op)
                        .put("source", new Struct(source).put("connector", "postgresql").put("table", "items")
                                .put("snapshot", marker).put("lsn", 4242L));
                JsonNode out = Json.mapper().readTree(converter.convert(new SourceRecord(Map.of(), Map.of(),
                        "src.public.items", null, null, null, envelope, value), 0).value());
                assertThat(out.at("/payload/source/snapshot").asText()).as("op %s marked %s", op, marker)
                        .isEqualTo(op.equals("r") ? marker : "false");
                assertThat(out.at("/payload/source/lsn").asLong()).isEqualTo(4242L);
                assertThat(out.at("/payload/op").asText()).isEqualTo(op);
            }
        }
    }

    @Test
    void aNewSchemaInstanceIsWrittenWithItsOwnFields() throws Exception {
        ConnectRecordConverter converter = new ConnectRecordConverter();
        converter.convert(record(envelope(row("v1", false)), 1, "before the column was added"));
        SourceRecord changed = record(envelope(row("v2", true)), 2, "after");
        JsonNode written = Json.mapper().readTree(converter.convert(changed).value());
        assertThat(written).isEqualTo(stock(changed));
        assertThat(written.at("/schema/fields/1/fields").toString()).contains("\"note\"");
    }

    @Test
    void aGenerationIsStampedIntoTheSourceBlockAndTheSweepIsATruncateOfTheSameTable() throws Exception {
        ConnectRecordConverter converter = new ConnectRecordConverter();
        SourceRecord r = record(envelope(row("v1", false)), 1, "x");

        io.cdcflow.model.ChangeEvent stamped = io.cdcflow.model.ChangeEventSerde.readValue(converter.convert(r, 2).value())
                .event();
        OutgoingChange sweep = converter.sweep(r, 2);
        io.cdcflow.model.ChangeEvent swept = io.cdcflow.model.ChangeEventSerde.readValue(sweep.value()).event();

        assertThat(stamped.position()).isEqualTo(new io.cdcflow.model.Position(2, 4242, 0));
        assertThat(stamped.after().get("name").asText()).isEqualTo("x");
        assertThat(Json.mapper().readTree(converter.convert(r, 0).value())).isEqualTo(stock(r));
        assertThat(sweep.key()).isNull();
        assertThat(sweep.topic()).isEqualTo("src.public.items");
        assertThat(sweep.table()).isEqualTo("public.items");
        assertThat(swept.op()).isEqualTo(io.cdcflow.model.Op.TRUNCATE);
        assertThat(swept.after()).isNull();
        assertThat(swept.position()).isEqualTo(io.cdcflow.model.Position.floor(2));
    }

    @Test
    void aNullInAColumnWithADefaultStaysNull() throws Exception {
        Schema row = SchemaBuilder.struct().name("src.public.items.Value").optional()
                .field("id", Schema.INT64_SCHEMA)
                .field("tier", SchemaBuilder.string().optional().defaultValue("basic").build()).build();
        Schema envelope = envelope(row);
        Struct after = new Struct(row).put("id", 1L).put("tier", null);
        Struct source = new Struct(envelope.field("source").schema()).put("connector", "postgresql").put("schema", "public")
                .put("table", "items").put("ts_ms", 1L).put("lsn", 1L);
        Struct value = new Struct(envelope).put("after", after).put("source", source).put("op", "u");
        SourceRecord r = new SourceRecord(Map.of(), Map.of(), "src.public.items", envelope, value);

        JsonNode out = Json.mapper().readTree(new ConnectRecordConverter().convert(r).value());
        assertThat(out.at("/payload/after/tier").isNull()).isTrue();
        assertThat(out.at("/schema/fields/0/fields/1/default").asText()).isEqualTo("basic");
    }
}
