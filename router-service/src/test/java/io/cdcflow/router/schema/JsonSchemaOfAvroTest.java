package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.cdcflow.model.Json;
import io.cdcflow.registryclient.AvroJson;
import io.cdcflow.router.route.RawEvents;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON Schema registered for framed JSON values accepts exactly the canonical events the router writes under the
 * table's Avro schema, and the Avro encoding of those events reads back to the same JSON.
 */
class JsonSchemaOfAvroTest {

    private static final String TOPIC = "src.public.items";
    private static final EnvelopeSchemas SCHEMAS = new EnvelopeSchemas();
    private static final String CONNECT = RawEvents.schemaOf(TOPIC,
            RawEvents.column("id", "int64", false, ""),
            RawEvents.column("qty", "int32", true, ""),
            RawEvents.column("price", "bytes", true, "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                    + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"8\"}"),
            RawEvents.column("blob", "bytes", true, ""),
            RawEvents.column("ratio", "double", true, ""),
            RawEvents.column("on", "boolean", false, "\"default\":true"),
            RawEvents.column("at", "int64", true, "\"name\":\"io.debezium.time.MicroTimestamp\",\"version\":1"),
            "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":true},\"optional\":true,\"field\":\"tags\"}");

    @Test
    void canonicalEventsConformAndRoundTripThroughAvro() throws Exception {
        Schema avro = SCHEMAS.valueSchema(SCHEMAS.connectSchema(Json.mapper().readTree(CONNECT)));
        var jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JsonSchemaOfAvro.of(avro));

        JsonNode event = canonical(avro, "{\"before\":null,\"after\":{\"id\":1,\"qty\":2,\"price\":\"MDk=\",\"blob\":\"AAE=\","
                + "\"ratio\":0.5,\"on\":false,\"at\":1700000000000000,\"tags\":[\"a\",null]},\"source\":{},\"op\":\"c\",\"ts_ms\":5}");
        assertThat(event.at("/after/price").decimalValue()).as("base64 made a number").isEqualByComparingTo("123.45");
        assertThat(jsonSchema.validate(event)).isEmpty();
        assertThat(AvroJson.decode(avro, AvroJson.encode(avro, event)).toString()).isEqualTo(event.toString());

        JsonNode delete = canonical(avro, "{\"before\":{\"id\":1,\"qty\":null,\"price\":null,\"blob\":null,\"ratio\":null,"
                + "\"on\":true,\"at\":null,\"tags\":null},\"after\":null,\"source\":{},\"op\":\"d\",\"ts_ms\":6}");
        assertThat(jsonSchema.validate(delete)).isEmpty();
        assertThat(AvroJson.decode(avro, AvroJson.encode(avro, delete)).toString()).isEqualTo(delete.toString());
    }

    @Test
    void eventsOfAnotherShapeDoNotConform() throws Exception {
        Schema avro = SCHEMAS.valueSchema(SCHEMAS.connectSchema(Json.mapper().readTree(CONNECT)));
        var jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JsonSchemaOfAvro.of(avro));

        assertThat(jsonSchema.validate(Json.mapper().readTree("{\"after\":{\"id\":\"one\"},\"op\":\"c\"}"))).isNotEmpty();
        assertThat(jsonSchema.validate(Json.mapper().readTree("{\"after\":{\"id\":1,\"qty\":3000000000},\"op\":\"c\"}")))
                .as("an int column holds 32 bits").isNotEmpty();
        assertThat(jsonSchema.validate(Json.mapper().readTree("{\"after\":{\"id\":1},\"source\":{}}")))
                .as("op is required").isNotEmpty();
    }

    @Test
    void connectAnnotationsAndTheRecordNameAreKept() throws Exception {
        Schema avro = SCHEMAS.valueSchema(SCHEMAS.connectSchema(Json.mapper().readTree(CONNECT)));
        ObjectNode doc = JsonSchemaOfAvro.of(avro);
        JsonNode row = doc.at("/properties/after/anyOf/1");
        assertThat(row.path("title").asText()).isEqualTo(TOPIC + ".Value");
        assertThat(row.at("/properties/at/anyOf/1/connect.name").asText()).isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(row.at("/properties/price/anyOf/1/type").asText()).isEqualTo("number");
    }

    private static JsonNode canonical(Schema avro, String json) throws Exception {
        JsonNode event = Json.mapper().readTree(json);
        assertThat(AvroJsonValidator.check(avro, event)).isEmpty();
        return event;
    }
}
