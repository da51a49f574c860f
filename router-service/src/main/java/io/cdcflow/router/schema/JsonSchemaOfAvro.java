package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The JSON Schema (draft 7) of the events the router writes under an Avro value schema: the same fields and types
 * in the JSON that {@link AvroJsonValidator} accepts and makes canonical (a decimal is a number, bytes are base64
 * text, a union is {@code anyOf} its branches, a map is an object). A record is an object whose fields without a
 * default are required; its {@code title} is the Avro record's full name, and Kafka Connect's annotations that the
 * Avro schema carries ({@code connect.name}, {@code connect.type}, {@code connect.parameters}, ...) are kept, as
 * Confluent's JSON Schema converter writes them. Registered under the validated topic's subject for its framed
 * values.
 */
final class JsonSchemaOfAvro {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSchemaOfAvro() {
    }

    /** The JSON Schema document of {@code avro}. */
    static ObjectNode of(Schema avro) {
        ObjectNode root = node(avro, new ArrayDeque<>());
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        return root;
    }

    /** The document's text, as registered. */
    static String text(Schema avro) {
        return of(avro).toString();
    }

    private static ObjectNode node(Schema s, Deque<String> records) {
        ObjectNode n = NODES.objectNode();
        switch (s.getType()) {
            case NULL -> n.put("type", "null");
            case BOOLEAN -> n.put("type", "boolean");
            case INT -> n.put("type", "integer").put("minimum", Integer.MIN_VALUE).put("maximum", Integer.MAX_VALUE);
            case LONG -> n.put("type", "integer");
            case FLOAT, DOUBLE -> n.put("type", "number");
            case STRING -> n.put("type", "string");
            case ENUM -> {
                n.put("type", "string");
                ArrayNode symbols = n.putArray("enum");
                s.getEnumSymbols().forEach(symbols::add);
            }
            case BYTES, FIXED -> {
                if (s.getLogicalType() instanceof LogicalTypes.Decimal) {
                    n.put("type", "number");
                } else {
                    n.put("type", "string").put("contentEncoding", "base64");
                }
            }
            case ARRAY -> n.put("type", "array").set("items", node(s.getElementType(), records));
            case MAP -> n.put("type", "object").set("additionalProperties", node(s.getValueType(), records));
            case RECORD -> record(s, n, records);
            case UNION -> {
                ArrayNode branches = n.putArray("anyOf");
                s.getTypes().forEach(b -> branches.add(node(b, records)));
            }
        }
        for (Map.Entry<String, Object> p : s.getObjectProps().entrySet()) {
            if (p.getKey().startsWith("connect.")) {
                n.set(p.getKey(), Json.mapper().valueToTree(p.getValue()));
            }
        }
        return n;
    }

    private static void record(Schema s, ObjectNode n, Deque<String> records) {
        if (records.contains(s.getFullName())) {
            throw new IllegalArgumentException("recursive Avro record " + s.getFullName() + " has no JSON Schema here");
        }
        records.push(s.getFullName());
        n.put("type", "object").put("title", s.getFullName());
        ObjectNode properties = n.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (Schema.Field f : s.getFields()) {
            properties.set(f.name(), node(f.schema(), records));
            if (!f.hasDefaultValue() && !f.schema().isNullable()) {
                required.add(f.name());
            }
        }
        if (!required.isEmpty()) {
            n.set("required", required);
        }
        records.pop();
    }
}
