package io.cdcflow.registryclient;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the row part of a JSON Schema envelope as the router registers it: {@code definitions.Value}, whose
 * properties are the columns, annotated with {@code connect.type}, {@code connect.name} and
 * {@code connect.parameters} when the schema came from a Kafka Connect schema, or with JSON types only when it was
 * inferred from values.
 */
final class JsonSchemaRows {

    private JsonSchemaRows() {
    }

    static Optional<RowSchema> read(int id, String text) {
        JsonNode schema;
        try {
            schema = Json.mapper().readTree(text);
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode value = schema == null ? null : schema.path("definitions").path("Value");
        if (value == null || !value.path("properties").isObject()) {
            return Optional.empty();
        }
        return Optional.of(new RowSchema(id, fields(value)));
    }

    static Map<String, ColumnSchema> fields(JsonNode struct) {
        Map<String, ColumnSchema> out = new LinkedHashMap<>();
        struct.path("properties").properties().forEach(e -> out.put(e.getKey(), column(e.getValue())));
        return out;
    }

    private static ColumnSchema column(JsonNode node) {
        String connect = node.path("connect.type").asText("");
        JsonNode type = node.path("type");
        boolean optional = false;
        String json = "";
        if (type.isArray()) {
            for (JsonNode t : type) {
                if ("null".equals(t.asText())) {
                    optional = true;
                } else if (json.isEmpty()) {
                    json = t.asText();
                }
            }
        } else {
            json = type.asText("");
        }
        return new ColumnSchema(connect, node.path("connect.name").asText(""),
                ColumnSchema.parameters(node.get("connect.parameters")), optional, connect.isEmpty() ? json : "",
                node.hasNonNull("default") ? node.get("default") : null,
                "struct".equals(connect) ? fields(node) : Map.of(),
                node.has("items") ? column(node.get("items")) : null,
                node.path("additionalProperties").isObject() ? column(node.get("additionalProperties")) : null);
    }
}
