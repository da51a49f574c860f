package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;

import static io.cdcflow.registry.schema.JsonSchemaNodes.MAX_DEPTH;
import static io.cdcflow.registry.schema.JsonSchemaNodes.acceptsAll;
import static io.cdcflow.registry.schema.JsonSchemaNodes.isFalse;

/**
 * The JSON Schema compatibility rules: finds the changes from an original schema (the writer's) to an update (the
 * reader's) that let the original accept a document the update rejects. The rule set follows the one Confluent
 * documents for JSON Schema (strict mode): narrowing a type, an enum or a bound is incompatible and widening is not;
 * a property added to an open content model (no {@code additionalProperties}, or {@code true}) is incompatible
 * unless its schema is empty; a property added to a closed model ({@code additionalProperties: false}) is compatible
 * unless required without a default; removing a property is compatible from an open model and incompatible from a
 * closed one; a partially open model ({@code patternProperties} or an {@code additionalProperties} schema) is
 * compatible when that schema covers the property. {@code anyOf}/{@code oneOf} branches are compared as unions
 * (every original branch must be accepted by some update branch; exclusivity of oneOf is not checked),
 * {@code allOf} as intersections. Local {@code $ref}s are followed; unresolvable ones are compared by text.
 *
 * <p>This class is the entry point and compares one pair of nodes; the keywords are compared by kind in
 * {@link JsonScalarDiff}, {@link JsonObjectDiff}, {@link JsonArrayDiff} and {@link JsonCombinationDiff}, which
 * recurse through a {@link JsonSchemaDiffContext}.
 */
public final class JsonSchemaDiff {

    /** The kinds of change, named as in Confluent's JSON Schema compatibility rules (only incompatible ones). */
    public enum Type {
        TYPE_CHANGED, TYPE_NARROWED, SCHEMA_ADDED,
        MAX_LENGTH_ADDED, MAX_LENGTH_DECREASED, MIN_LENGTH_ADDED, MIN_LENGTH_INCREASED, PATTERN_ADDED, PATTERN_CHANGED,
        MAXIMUM_ADDED, MAXIMUM_DECREASED, MINIMUM_ADDED, MINIMUM_INCREASED,
        EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MAXIMUM_DECREASED, EXCLUSIVE_MINIMUM_ADDED, EXCLUSIVE_MINIMUM_INCREASED,
        MULTIPLE_OF_ADDED, MULTIPLE_OF_EXPANDED, MULTIPLE_OF_CHANGED,
        REQUIRED_ATTRIBUTE_ADDED, MAX_PROPERTIES_ADDED, MAX_PROPERTIES_DECREASED, MIN_PROPERTIES_ADDED,
        MIN_PROPERTIES_INCREASED, ADDITIONAL_PROPERTIES_REMOVED, ADDITIONAL_PROPERTIES_NARROWED,
        DEPENDENCY_ARRAY_ADDED, DEPENDENCY_ARRAY_EXTENDED, DEPENDENCY_ARRAY_CHANGED, DEPENDENCY_SCHEMA_ADDED,
        PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
        PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        MAX_ITEMS_ADDED, MAX_ITEMS_DECREASED, MIN_ITEMS_ADDED, MIN_ITEMS_INCREASED, UNIQUE_ITEMS_ADDED,
        ADDITIONAL_ITEMS_REMOVED, ADDITIONAL_ITEMS_NARROWED, ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
        ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL, ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        ENUM_ARRAY_NARROWED, ENUM_ARRAY_CHANGED, SUM_TYPE_NARROWED, PRODUCT_TYPE_EXTENDED,
        COMBINED_TYPE_SUBSCHEMAS_CHANGED, NOT_TYPE_EXTENDED
    }

    /** One incompatible change and where it is (a JSON pointer into the schema, from {@code #}). */
    public record Difference(String jsonPath, Type type) {
        @Override
        public String toString() {
            return "Difference{jsonPath='" + jsonPath + "', type=" + type + "}";
        }
    }

    private JsonSchemaDiff() {
    }

    /** The incompatible changes from {@code original} (writer) to {@code update} (reader); empty when compatible. */
    public static List<Difference> compare(JsonNode original, JsonNode update) {
        if (original.equals(update)) {
            return List.of();
        }
        JsonSchemaDiffContext ctx = new JsonSchemaDiffContext(original, update);
        diff(ctx, "#", original, update, 0);
        return List.copyOf(new LinkedHashSet<>(ctx.differences()));
    }

    /** Resolves a local JSON pointer reference ({@code #/definitions/x}) in {@code root}, or null. */
    public static JsonNode pointer(JsonNode root, String ref) {
        return JsonSchemaNodes.pointer(root, ref);
    }

    /** Compares one pair of subschemas at {@code path}, recording what it finds in {@code ctx}. */
    static void diff(JsonSchemaDiffContext ctx, String path, JsonNode originalNode, JsonNode updateNode, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        JsonNode o = ctx.original(originalNode);
        JsonNode u = ctx.update(updateNode);
        if (!ctx.firstVisit(o, u) || !ctx.enter(o, u)) {
            return;
        }
        try {
            compareResolved(ctx, path, o, u, depth);
        } finally {
            ctx.exit(o, u);
        }
    }

    /** Compares a pair of subschemas with their {@code $ref}s resolved. */
    private static void compareResolved(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        if (acceptsAll(u) || isFalse(o)) {
            return;
        }
        if (isFalse(u)) {
            ctx.add(path, Type.TYPE_NARROWED);
            return;
        }
        if (acceptsAll(o)) {
            ctx.add(path, Type.SCHEMA_ADDED);
            return;
        }
        if (o.equals(u) && o.findValue("$ref") == null) {
            return;
        }
        if (JsonCombinationDiff.expand(ctx, path, o, u, depth)) {
            return;
        }
        if (o.has("$ref") || u.has("$ref")) {
            if (!o.path("$ref").equals(u.path("$ref"))) {
                ctx.add(path, Type.TYPE_CHANGED);
            }
            return;
        }
        // This order is the order of the differences reported, and decides which path a pair shared by two
        // keywords is first (and only) compared at.
        JsonScalarDiff.compare(ctx, path, o, u);
        JsonObjectDiff.compare(ctx, path, o, u, depth);
        JsonArrayDiff.compare(ctx, path, o, u, depth);
        JsonCombinationDiff.compareNot(ctx, path, o, u, depth);
        JsonObjectDiff.comparePropertyNames(ctx, path, o, u, depth);
        JsonArrayDiff.compareContains(ctx, path, o, u, depth);
        JsonCombinationDiff.compareConditionals(ctx, path, o, u);
    }
}
