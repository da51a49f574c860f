package io.cdcflow.router.route;

import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.registryclient.AvroJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router with {@code cdc.router.value-format=avro} and {@code key-format=framed}: validated values are Avro binary in the Confluent wire
 * format, read here by Apache Avro under the schema the frame's id names in the registry (as
 * {@code KafkaAvroDeserializer} would), decimals exact; the schema is the table's, registered under the validated
 * topic's subject too; keys are framed Avro of the key columns; and the sinks' reading of the same bytes gives the event back.
 */
@QuarkusTest
@TestProfile(RouterAvroOutputIT.AvroOutput.class)
@QuarkusTestResource(value = RouterResource.class, restrictToAnnotatedClass = true)
class RouterAvroOutputIT {

    public static class AvroOutput implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cdc.router.value-format", "avro", "cdc.router.key-format", "framed",
                    "cdc.router.group", "router-avro-it-" + RouterResource.RUN);
        }
    }

    @BeforeAll
    static void kafka() {
        RouterIT.kafka();
    }

    @AfterAll
    static void close() {
        RouterIT.close();
    }

    @Test
    void validatedValuesAreAvroInTheConfluentWireFormat() throws Exception {
        String topic = "rt" + RouterIT.hex() + ".public.items";
        String schema = RawEvents.schemaOf(topic, RawEvents.column("id", "int64", false, ""),
                RawEvents.column("name", "string", true, ""),
                RawEvents.column("price", "bytes", true, "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                        + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"}"));
        String withoutSource = schema;
        schema = schema.replace("\"field\":\"source\",\"fields\":[]", "\"field\":\"source\",\"fields\":["
                + String.join(",", RawEvents.column("connector", "string", false, ""), RawEvents.column("name", "string", false, ""),
                RawEvents.column("db", "string", false, ""), RawEvents.column("schema", "string", false, ""),
                RawEvents.column("table", "string", false, ""), RawEvents.column("snapshot", "string", true, ""),
                RawEvents.column("lsn", "int64", true, ""), RawEvents.column("ts_ms", "int64", false, "")) + "]");
        assertThat(schema).isNotEqualTo(withoutSource);
        RouterIT.send(topic, "{\"id\":1}", RawEvents.insert(topic, schema, "{\"id\":1,\"name\":\"one\",\"price\":\"MDk=\"}", 100));
        RouterIT.send(topic, "{\"id\":2}", RawEvents.insert(topic, schema, "{\"id\":2,\"name\":null,\"price\":99999999.99}", 200));

        List<ConsumerRecord<byte[], byte[]>> out = RouterIT.read("validated." + topic, r -> true, 2);
        assertThat(out).hasSize(2);
        for (ConsumerRecord<byte[], byte[]> r : out) {
            GenericRecord value = ConfluentDecoding.avroValue(r);
            GenericRecord key = ConfluentDecoding.avroKey(r);
            assertThat(key.getSchema().getFields()).extracting(Schema.Field::name).containsExactly("id");
            GenericRecord after = (GenericRecord) value.get("after");
            long id = (Long) after.get("id");
            assertThat(key.get("id")).isEqualTo(id);
            Schema priceSchema = after.getSchema().getField("price").schema().getTypes().get(1);
            BigDecimal price = new Conversions.DecimalConversion().fromBytes((ByteBuffer) after.get("price"), priceSchema,
                    (LogicalTypes.Decimal) priceSchema.getLogicalType());
            assertThat(price).isEqualByComparingTo(id == 1 ? "123.45" : "99999999.99");
            assertThat(after.get("name") == null ? null : after.get("name").toString()).isEqualTo(id == 1 ? "one" : null);
            assertThat(value.get("op").toString()).isEqualTo("c");

            // What the sinks do with the same bytes: the event back, its position formed.
            Schema writer = value.getSchema();
            var event = ChangeEventSerde.readValue(AvroJson.decode(writer, java.util.Arrays.copyOfRange(r.value(), 5,
                    r.value().length)).toString().getBytes(StandardCharsets.UTF_8)).event();
            assertThat(event.position().major()).isEqualTo(id == 1 ? 100 : 200);
            assertThat(event.after().get("price").decimalValue()).isEqualByComparingTo(price);
        }
        assertThat(RouterIT.registry("/subjects/validated." + topic + "-value/versions")).isEqualTo("[1]");
        assertThat(RouterIT.registry("/subjects/validated." + topic + "-key/versions")).isEqualTo("[1]");

        // A source field the Connect schema does not declare would be lost in Avro, the position with it: refused.
        String bare = "rt" + RouterIT.hex() + ".public.items";
        RouterIT.send(bare, "{\"id\":3}", RawEvents.insert(bare, withoutSource.replace(topic, bare),
                "{\"id\":3,\"name\":\"three\",\"price\":1.00}", 300));
        List<ConsumerRecord<byte[], byte[]>> dead = RouterIT.read("cdc.dlq", r -> bare.equals(RouterIT.header(r, "cdc.dlq.topic")), 1);
        assertThat(RouterIT.header(dead.getFirst(), "cdc.dlq.reason")).isEqualTo("schema_mismatch");
        assertThat(RouterIT.header(dead.getFirst(), "cdc.dlq.message")).contains("source.connector is not in the event's Connect schema");
    }
}
