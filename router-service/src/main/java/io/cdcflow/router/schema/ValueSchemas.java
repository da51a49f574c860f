package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.MalformedEventException;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives the JSON Schema registered for a change topic's values: the Debezium envelope, whose row is
 * {@code definitions.Value}. With a Kafka Connect schema (capture-service, or Debezium with schemas enabled)
 * every column gets its exact type: a JSON {@code type} plus {@code connect.type}, {@code connect.name} and
 * {@code connect.parameters}, and {@code Value} is closed ({@code additionalProperties: false}) so that a
 * dropped or retyped column is an incompatible change. Without one, types are inferred from the row's values,
 * every column optional and the content model open, so later events only add columns.
 */
public final class ValueSchemas {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ValueSchemas() {
    }

    /** The envelope schema for a topic whose events carry a Connect schema (the {@code schema} of the JSON converter). */
    public static ObjectNode fromConnectSchema(String topic, JsonNode connectSchema) {
        JsonNode row = connectRow(connectSchema);
        ObjectNode value = struct(row);
        value.put("additionalProperties", false);
        return envelope(topic, value);
    }

    /** The envelope schema inferred from one event's row images. */
    public static ObjectNode inferred(String topic, JsonNode before, JsonNode after) {
        Map<String, ObjectNode> columns = new TreeMap<>();
        for (JsonNode image : new JsonNode[]{before, after}) {
            if (image != null && image.isObject()) {
                image.properties().forEach(e -> {
                    ObjectNode t = inferType(e.getValue());
                    columns.merge(e.getKey(), t, (a, b) -> a.has("type") ? a : b);
                });
            }
        }
        ObjectNode value = F.objectNode().put("type", "object");
        ObjectNode props = value.putObject("properties");
        columns.forEach(props::set);
        return envelope(topic, value);
    }

    private static ObjectNode envelope(String topic, ObjectNode value) {
        ObjectNode s = F.objectNode();
        s.put("$schema", "http://json-schema.org/draft-07/schema#");
        s.put("title", topic);
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        for (String image : new String[]{"before", "after"}) {
            ArrayNode oneOf = props.putObject(image).putArray("oneOf");
            oneOf.addObject().put("type", "null");
            oneOf.addObject().put("$ref", "#/definitions/Value");
        }
        props.putObject("op").put("type", "string").putArray("enum").add("c").add("u").add("d").add("r").add("t");
        props.putObject("ts_ms").put("type", "integer");
        props.putObject("source").put("type", "object");
        props.putObject("transaction").putArray("type").add("object").add("null");
        s.putArray("required").add("op").add("source");
        s.putObject("definitions").set("Value", value);
        return s;
    }

    /** The row struct of a Debezium envelope schema: the schema of its {@code after} (or {@code before}) field. */
    private static JsonNode connectRow(JsonNode envelope) {
        if (envelope == null || !"struct".equals(envelope.path("type").asText())) {
            throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                    "the Connect schema is not a struct");
        }
        JsonNode before = null;
        for (JsonNode field : envelope.path("fields")) {
            String name = field.path("field").asText();
            if ("after".equals(name) && "struct".equals(field.path("type").asText())) {
                return field;
            }
            if ("before".equals(name) && "struct".equals(field.path("type").asText())) {
                before = field;
            }
        }
        if (before != null) {
            return before;
        }
        throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                "the Connect schema has no 'after' or 'before' struct: not a Debezium envelope");
    }

    private static ObjectNode struct(JsonNode connect) {
        ObjectNode s = F.objectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        ArrayNode required = F.arrayNode();
        for (JsonNode field : connect.path("fields")) {
            String name = field.path("field").asText();
            props.set(name, column(field));
            if (!field.path("optional").asBoolean(false)) {
                required.add(name);
            }
        }
        if (!required.isEmpty()) {
            s.set("required", required);
        }
        return s;
    }

    private static ObjectNode column(JsonNode field) {
        String type = field.path("type").asText();
        String logical = field.path("name").asText("");
        boolean optional = field.path("optional").asBoolean(false);
        ObjectNode c = switch (type) {
            case "struct" -> struct(field);
            case "array" -> {
                ObjectNode a = F.objectNode().put("type", "array");
                a.set("items", column(field.path("items")));
                yield a;
            }
            case "map" -> {
                ObjectNode m = F.objectNode().put("type", "object");
                m.set("additionalProperties", column(field.path("values")));
                yield m;
            }
            default -> F.objectNode().put("type", jsonType(type, logical));
        };
        if (optional) {
            String t = c.path("type").asText();
            c.putArray("type").add(t).add("null");
        }
        c.put("connect.type", type);
        if (!logical.isEmpty()) {
            c.put("connect.name", logical);
        }
        if (field.path("parameters").isObject()) {
            c.set("connect.parameters", sorted((ObjectNode) field.get("parameters")));
        }
        return c;
    }

    private static String jsonType(String connectType, String logical) {
        if ("org.apache.kafka.connect.data.Decimal".equals(logical)) {
            return "number";
        }
        return switch (connectType) {
            case "int8", "int16", "int32", "int64" -> "integer";
            case "float32", "float64" -> "number";
            case "boolean" -> "boolean";
            case "string", "bytes" -> "string";
            default -> throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                    "unknown Connect type '" + connectType + "'");
        };
    }

    private static ObjectNode inferType(JsonNode v) {
        ObjectNode t = F.objectNode();
        String type = switch (v.getNodeType()) {
            case NUMBER -> v.isIntegralNumber() ? "integer" : "number";
            case STRING, BINARY -> "string";
            case BOOLEAN -> "boolean";
            case OBJECT, POJO -> "object";
            case ARRAY -> "array";
            default -> null;
        };
        if (type != null) {
            t.putArray("type").add(type).add("null");
        }
        return t;
    }

    private static ObjectNode sorted(ObjectNode in) {
        ObjectNode out = F.objectNode();
        Map<String, JsonNode> m = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue());
        }
        m.forEach(out::set);
        return out;
    }
}
