package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueSchemasTest {

    private static final ObjectMapper M = Json.mapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    private static final String CONNECT = """
            {"type":"struct","name":"inventory.public.products.Envelope","fields":[
              {"type":"struct","optional":true,"field":"before","fields":[]},
              {"type":"struct","optional":true,"field":"after","name":"inventory.public.products.Value","fields":[
                {"type":"int64","optional":false,"field":"id"},
                {"type":"string","optional":true,"field":"name"},
                {"type":"bytes","optional":false,"field":"price","name":"org.apache.kafka.connect.data.Decimal",
                 "parameters":{"scale":"2","connect.decimal.precision":"10"}},
                {"type":"int32","optional":true,"field":"added","name":"io.debezium.time.Date"},
                {"type":"array","optional":true,"field":"tags","items":{"type":"string","optional":true}}]},
              {"type":"struct","optional":false,"field":"source","fields":[]},
              {"type":"string","optional":false,"field":"op"}]}
            """;

    @Test
    void translatesEveryColumnOfTheConnectSchemaWithItsExactType() throws Exception {
        JsonNode schema = ValueSchemas.fromConnectSchema("inventory.public.products", M.readTree(CONNECT));
        JsonNode value = schema.at("/definitions/Value");

        assertThat(value.at("/properties/id/type").asText()).isEqualTo("integer");
        assertThat(value.at("/properties/id/connect.type").asText()).isEqualTo("int64");
        assertThat(value.at("/properties/name/type").toString()).isEqualTo("[\"string\",\"null\"]");
        assertThat(value.at("/properties/price/type").asText()).isEqualTo("number");
        assertThat(value.at("/properties/price/connect.name").asText()).isEqualTo("org.apache.kafka.connect.data.Decimal");
        assertThat(value.at("/properties/price/connect.parameters/scale").asText()).isEqualTo("2");
        assertThat(value.at("/properties/added/connect.name").asText()).isEqualTo("io.debezium.time.Date");
        assertThat(value.at("/properties/tags/items/type").toString()).isEqualTo("[\"string\",\"null\"]");
        assertThat(value.get("required").toString()).isEqualTo("[\"id\",\"price\"]");
        assertThat(value.get("additionalProperties").asBoolean()).isFalse();
    }

    @Test
    void theSchemaAcceptsItsEventsAndRefusesARetypedOrExtraColumn() throws Exception {
        JsonSchema schema = FACTORY.getSchema(ValueSchemas.fromConnectSchema("t", M.readTree(CONNECT)));
        String ok = """
                {"before":null,"after":{"id":1,"name":null,"price":9.99,"added":19000,"tags":["a"]},
                 "op":"c","ts_ms":1,"source":{"connector":"postgresql"},"transaction":null}""";
        String retyped = ok.replace("\"price\":9.99", "\"price\":\"cheap\"");
        String extra = ok.replace("\"id\":1,", "\"id\":1,\"surprise\":true,");

        assertThat(schema.validate(M.readTree(ok))).isEmpty();
        assertThat(schema.validate(M.readTree(retyped))).isNotEmpty();
        assertThat(schema.validate(M.readTree(extra))).isNotEmpty();
    }

    @Test
    void hostileColumnNamesAreJustPropertyNames() throws Exception {
        java.util.List<String> names = java.util.List.of("na\"me", "x\"; drop table y; --", "Mixed Case", "Ünïcødé",
                "back`tick", "$ref", "a/b", "~0", "#", "properties", "required", "");
        com.fasterxml.jackson.databind.node.ObjectNode connect = (com.fasterxml.jackson.databind.node.ObjectNode) M.readTree(CONNECT);
        com.fasterxml.jackson.databind.node.ArrayNode fields = (com.fasterxml.jackson.databind.node.ArrayNode) connect.at("/fields/1/fields");
        fields.removeAll();
        com.fasterxml.jackson.databind.node.ObjectNode ok = M.createObjectNode();
        for (String n : names) {
            fields.addObject().put("type", "int32").put("optional", false).put("field", n);
            ok.put(n, 1);
        }
        JsonSchema schema = FACTORY.getSchema(ValueSchemas.fromConnectSchema("src.public.x\"; drop table y; --", connect));
        String envelope = "{\"before\":null,\"after\":%s,\"op\":\"c\",\"ts_ms\":1,\"source\":{},\"transaction\":null}";

        assertThat(schema.validate(M.readTree(envelope.formatted(ok)))).isEmpty();
        for (String n : names) {
            com.fasterxml.jackson.databind.node.ObjectNode retyped = ok.deepCopy().put(n, "one");
            assertThat(schema.validate(M.readTree(envelope.formatted(retyped)))).as(n).isNotEmpty();
        }
    }

    @Test
    void infersAnOpenSchemaFromValuesWhenNoConnectSchemaCame() throws Exception {
        JsonNode after = M.readTree("{\"id\":7,\"price\":1.5,\"name\":\"x\",\"note\":null,\"ok\":true}");
        JsonNode schema = ValueSchemas.inferred("t", null, after);
        JsonNode props = schema.at("/definitions/Value/properties");

        assertThat(props.at("/id/type").toString()).isEqualTo("[\"integer\",\"null\"]");
        assertThat(props.at("/price/type").toString()).isEqualTo("[\"number\",\"null\"]");
        assertThat(props.at("/ok/type").toString()).isEqualTo("[\"boolean\",\"null\"]");
        assertThat(props.get("note").isEmpty()).isTrue();
        assertThat(schema.at("/definitions/Value").has("additionalProperties")).isFalse();
    }

    @Test
    void refusesAConnectSchemaThatIsNotAnEnvelope() throws Exception {
        assertThatThrownBy(() -> ValueSchemas.fromConnectSchema("t", M.readTree("{\"type\":\"string\"}")))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.SCHEMA_MISMATCH));
    }
}
