package io.cdcflow.registry.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** Strict JSON reading (duplicate keys refused, numbers kept exact) and the compact and key-sorted forms of a tree. */
public final class JsonText {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Keywords whose values are data, not schemas: their arrays keep their order. */
    private static final Set<String> DATA_KEYWORDS = Set.of("enum", "const", "default", "examples");

    private JsonText() {
    }

    /** Parses JSON text, refusing duplicate keys and trailing garbage. */
    public static JsonNode read(String text) throws InvalidSchemaException {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new InvalidSchemaException("Empty schema");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidSchemaException("Invalid JSON: " + e.getOriginalMessage());
        }
    }

    /** The tree written without whitespace. */
    public static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /**
     * A copy with every object's keys sorted; when {@code sortSets} is true, the string arrays of the set-like
     * keywords {@code required} and {@code type} are sorted and de-duplicated too (outside data keywords).
     */
    public static JsonNode sorted(JsonNode node, boolean sortSets) {
        return sorted(node, sortSets, null, false);
    }

    private static JsonNode sorted(JsonNode node, boolean sortSets, String key, boolean inData) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            fields.forEach((k, v) -> out.set(k, sorted(v, sortSets, k, inData || DATA_KEYWORDS.contains(k))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            if (sortSets && !inData && ("required".equals(key) || "type".equals(key)) && allText(node)) {
                List<String> values = new ArrayList<>();
                node.forEach(v -> values.add(v.asText()));
                values.stream().distinct().sorted().forEach(out::add);
                return out;
            }
            node.forEach(v -> out.add(sorted(v, sortSets, null, inData)));
            return out;
        }
        return node;
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
