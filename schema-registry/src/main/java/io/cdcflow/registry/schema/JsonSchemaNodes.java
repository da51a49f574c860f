package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** What a JSON Schema node means on its own: boolean schemas, schemas with no assertion, local {@code $ref}s. */
final class JsonSchemaNodes {

    /** Keywords that constrain documents; a schema with none of them accepts everything. */
    private static final Set<String> ASSERTIONS = Set.of("type", "enum", "const", "multipleOf", "maximum",
            "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "items",
            "prefixItems", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties",
            "minProperties", "required", "properties", "patternProperties", "additionalProperties", "dependencies",
            "dependentRequired", "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf",
            "not", "$ref", "format", "unevaluatedProperties", "unevaluatedItems");

    /** How deep the comparison recurses, and how many {@code $ref} hops it follows, before giving up. */
    static final int MAX_DEPTH = 64;

    /** The schema that accepts everything, which an absent subschema means. */
    static final JsonNode TRUE = BooleanNode.TRUE;

    private JsonSchemaNodes() {
    }

    /** Resolves a local JSON pointer reference ({@code #/definitions/x}) in {@code root}, or null. */
    static JsonNode pointer(JsonNode root, String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        String fragment = URLDecoder.decode(ref.substring(1), StandardCharsets.UTF_8);
        if (fragment.isEmpty()) {
            return root;
        }
        if (!fragment.startsWith("/")) {
            return null;
        }
        JsonNode node = root;
        for (String token : fragment.substring(1).split("/", -1)) {
            String key = token.replace("~1", "/").replace("~0", "~");
            node = node.isArray() && key.matches("\\d+") ? node.path(Integer.parseInt(key)) : node.path(key);
            if (node.isMissingNode()) {
                return null;
            }
        }
        return node;
    }

    /** {@code node} with its local {@code $ref}s followed in {@code root}; an absent node is {@link #TRUE}. */
    static JsonNode deref(JsonNode root, JsonNode node) {
        JsonNode current = node == null || node.isMissingNode() || node.isNull() ? TRUE : node;
        for (int hops = 0; hops < MAX_DEPTH && current.isObject() && current.path("$ref").isTextual(); hops++) {
            JsonNode target = pointer(root, current.get("$ref").asText());
            if (target == null) {
                return current;
            }
            current = target;
        }
        return current;
    }

    static boolean acceptsAll(JsonNode n) {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (!n.isObject()) {
            return false;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            if (ASSERTIONS.contains(it.next())) {
                return false;
            }
        }
        return true;
    }

    static boolean isFalse(JsonNode n) {
        return n.isBoolean() && !n.booleanValue();
    }

    /** The texts of a JSON array ({@code required}, a dependency list); empty when not an array. */
    static Set<String> strings(JsonNode array) {
        Set<String> values = new HashSet<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}
