package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.registry.schema.JsonSchemaDiff.Type;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.cdcflow.registry.schema.JsonSchemaNodes.TRUE;
import static io.cdcflow.registry.schema.JsonSchemaNodes.acceptsAll;
import static io.cdcflow.registry.schema.JsonSchemaNodes.isFalse;
import static io.cdcflow.registry.schema.JsonSchemaNodes.strings;

/**
 * The object keywords: {@code properties} against the content model ({@code additionalProperties},
 * {@code patternProperties}), {@code required}, property counts, the dependency keywords and {@code propertyNames}.
 */
final class JsonObjectDiff {

    private JsonObjectDiff() {
    }

    static void compare(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        JsonNode up = u.path("properties");
        Set<String> reported = compareAddedProperties(ctx, path, o, u, depth);
        compareRemovedProperties(ctx, path, o, u, depth);
        Set<String> oreq = strings(o.get("required"));
        for (String name : strings(u.get("required"))) {
            if (!oreq.contains(name) && !reported.contains(name) && !ctx.update(up.path(name)).has("default")) {
                ctx.add(path + "/required/" + name, Type.REQUIRED_ATTRIBUTE_ADDED);
            }
        }
        compareAdditional(ctx, path + "/additionalProperties", ctx.original(o.get("additionalProperties")),
                ctx.update(u.get("additionalProperties")), Type.ADDITIONAL_PROPERTIES_REMOVED,
                Type.ADDITIONAL_PROPERTIES_NARROWED, depth);
        comparePatternProperties(ctx, path, o, u, depth);
        JsonScalarDiff.upper(ctx, path, o, u, "maxProperties", Type.MAX_PROPERTIES_ADDED,
                Type.MAX_PROPERTIES_DECREASED);
        JsonScalarDiff.lower(ctx, path, o, u, "minProperties", Type.MIN_PROPERTIES_ADDED,
                Type.MIN_PROPERTIES_INCREASED);
        compareDependencies(ctx, path, o, u, "dependencies", depth);
        compareDependencies(ctx, path, o, u, "dependentRequired", depth);
        compareDependencies(ctx, path, o, u, "dependentSchemas", depth);
    }

    static void comparePropertyNames(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        if (u.has("propertyNames")) {
            ctx.diff(path + "/propertyNames", o.get("propertyNames"), u.get("propertyNames"), depth + 1);
        }
    }

    /**
     * A subschema for what the positional keywords leave out ({@code additionalProperties}, {@code additionalItems}),
     * both already resolved: {@code removed} when the update closes it, {@code narrowed} when an open one gains
     * assertions.
     */
    static void compareAdditional(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, Type removed,
                                  Type narrowed, int depth) {
        if (acceptsAll(u) || isFalse(o)) {
            return;
        }
        if (isFalse(u)) {
            ctx.add(path, removed);
        } else if (acceptsAll(o)) {
            ctx.add(path, narrowed);
        } else {
            ctx.diff(path, o, u, depth + 1);
        }
    }

    /** Properties both list are compared; those only the update lists, against what the original allowed there. */
    private static Set<String> compareAddedProperties(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u,
                                                      int depth) {
        JsonNode op = o.path("properties");
        Set<String> ureq = strings(u.get("required"));
        // Required properties already reported here, not again as REQUIRED_ATTRIBUTE_ADDED.
        Set<String> reported = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = u.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = path + "/properties/" + name;
            if (op.has(name)) {
                ctx.diff(at, op.get(name), e.getValue(), depth + 1);
                continue;
            }
            JsonNode cover = ctx.original(coverFor(o, name));
            JsonNode added = ctx.update(e.getValue());
            if (acceptsAll(cover)) {
                if (!acceptsAll(added)) {
                    ctx.add(at, Type.PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
                }
            } else if (isFalse(cover)) {
                if (ureq.contains(name) && !added.has("default")) {
                    ctx.add(at, Type.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
                    reported.add(name);
                }
            } else if (!ctx.compatible(cover, added, depth + 1)) {
                ctx.add(at, Type.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
        return reported;
    }

    /** Properties only the original lists, against what the update allows there. */
    private static void compareRemovedProperties(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u,
                                                 int depth) {
        JsonNode up = u.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (up.has(name)) {
                continue;
            }
            JsonNode cover = ctx.update(coverFor(u, name));
            JsonNode removed = ctx.original(e.getValue());
            if (isFalse(cover)) {
                if (!isFalse(removed)) {
                    ctx.add(path + "/properties/" + name, Type.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            } else if (!acceptsAll(cover) && !ctx.compatible(removed, cover, depth + 1)) {
                ctx.add(path + "/properties/" + name,
                        Type.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
    }

    /** What {@code schema} says about a property it does not list: a matching pattern, or additionalProperties. */
    private static JsonNode coverFor(JsonNode schema, String name) {
        JsonNode patterns = schema.path("patternProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = patterns.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (Pattern.compile(e.getKey()).matcher(name).find()) {
                return e.getValue();
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        return additional == null ? TRUE : additional;
    }

    private static void comparePatternProperties(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u,
                                                 int depth) {
        JsonNode opp = o.path("patternProperties");
        JsonNode upp = u.path("patternProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = upp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "/patternProperties/" + e.getKey();
            if (opp.has(e.getKey())) {
                ctx.diff(at, opp.get(e.getKey()), e.getValue(), depth + 1);
            } else {
                JsonNode before = ctx.original(o.get("additionalProperties"));
                if (!isFalse(before) && !ctx.compatible(before, e.getValue(), depth + 1)) {
                    ctx.add(at, Type.ADDITIONAL_PROPERTIES_NARROWED);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = opp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!upp.has(e.getKey())) {
                JsonNode after = ctx.update(u.get("additionalProperties"));
                if (!ctx.compatible(e.getValue(), after, depth + 1)) {
                    ctx.add(path + "/patternProperties/" + e.getKey(), Type.ADDITIONAL_PROPERTIES_NARROWED);
                }
            }
        }
    }

    private static void compareDependencies(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u,
                                            String keyword, int depth) {
        JsonNode od = o.path(keyword);
        for (Iterator<Map.Entry<String, JsonNode>> it = u.path(keyword).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "/" + keyword + "/" + e.getKey();
            JsonNode before = od.get(e.getKey());
            if (e.getValue().isArray()) {
                if (before == null) {
                    ctx.add(at, Type.DEPENDENCY_ARRAY_ADDED);
                } else {
                    Set<String> b = strings(before);
                    Set<String> a = strings(e.getValue());
                    if (!b.containsAll(a)) {
                        ctx.add(at, a.containsAll(b) ? Type.DEPENDENCY_ARRAY_EXTENDED : Type.DEPENDENCY_ARRAY_CHANGED);
                    }
                }
            } else if (before == null) {
                ctx.add(at, Type.DEPENDENCY_SCHEMA_ADDED);
            } else {
                ctx.diff(at, before, e.getValue(), depth + 1);
            }
        }
    }
}
