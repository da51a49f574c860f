package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.registry.schema.JsonSchemaDiff.Difference;
import io.cdcflow.registry.schema.JsonSchemaDiff.Type;

import java.util.List;

import static io.cdcflow.registry.schema.JsonSchemaNodes.isFalse;

/**
 * The combining keywords: {@code anyOf}/{@code oneOf} as unions, {@code allOf} as intersections, {@code not}, and
 * the conditionals {@code if}/{@code then}/{@code else} (compared by text).
 */
final class JsonCombinationDiff {

    private JsonCombinationDiff() {
    }

    /**
     * Splits unions and intersections into branches (each merged with its siblings) and compares those; true when
     * the pair was handled that way.
     */
    static boolean expand(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        for (String sum : List.of("anyOf", "oneOf")) {
            if (o.path(sum).isArray()) {
                // Every document of any original branch must still be accepted.
                JsonNode branches = o.get(sum);
                for (int i = 0; i < branches.size(); i++) {
                    ctx.diff(path + "/" + sum + "/" + i, merge(o, sum, ctx.original(branches.get(i))), u, depth + 1);
                }
                return true;
            }
        }
        for (String sum : List.of("anyOf", "oneOf")) {
            if (u.path(sum).isArray()) {
                // The original must fit one branch of the update.
                JsonNode branches = u.get(sum);
                for (int i = 0; i < branches.size(); i++) {
                    if (ctx.compatible(o, merge(u, sum, ctx.update(branches.get(i))), depth + 1)) {
                        return true;
                    }
                }
                // Reported where the original is: nothing in the update's union accepts it.
                ctx.add(path, Type.SUM_TYPE_NARROWED);
                return true;
            }
        }
        if (u.path("allOf").isArray()) {
            JsonNode branches = u.get("allOf");
            for (int i = 0; i < branches.size(); i++) {
                List<Difference> found = ctx.differencesOf(path + "/allOf/" + i, o,
                        merge(u, "allOf", ctx.update(branches.get(i))), depth + 1);
                if (!found.isEmpty()) {
                    ctx.add(path + "/allOf/" + i, Type.PRODUCT_TYPE_EXTENDED);
                    ctx.addAll(found);
                }
            }
            return true;
        }
        if (o.path("allOf").isArray()) {
            // The original fits when any one of its branches does; otherwise the closest branch is reported.
            JsonNode branches = o.get("allOf");
            List<Difference> fewest = null;
            for (int i = 0; i < branches.size(); i++) {
                List<Difference> found = ctx.differencesOf(path, merge(o, "allOf", ctx.original(branches.get(i))),
                        u, depth + 1);
                if (found.isEmpty()) {
                    return true;
                }
                if (fewest == null || found.size() < fewest.size()) {
                    fewest = found;
                }
            }
            if (fewest != null) {
                ctx.add(path + "/allOf", Type.COMBINED_TYPE_SUBSCHEMAS_CHANGED);
                ctx.addAll(fewest);
            }
            return true;
        }
        return false;
    }

    static void compareNot(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        if (!u.has("not")) {
            return;
        }
        if (!o.has("not")) {
            ctx.add(path + "/not", Type.NOT_TYPE_EXTENDED);
            return;
        }
        // The update excludes no more than the original when the update's excluded set fits in the original's.
        if (!ctx.reversed().compatible(u.get("not"), o.get("not"), depth + 1)) {
            ctx.add(path + "/not", Type.NOT_TYPE_EXTENDED);
        }
    }

    static void compareConditionals(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u) {
        for (String conditional : List.of("if", "then", "else")) {
            if (u.has(conditional) && !u.get(conditional).equals(o.get(conditional))) {
                ctx.add(path + "/" + conditional, Type.COMBINED_TYPE_SUBSCHEMAS_CHANGED);
            }
        }
    }

    /** {@code schema} without {@code without}, with the keywords of {@code branch} laid over it. */
    private static JsonNode merge(JsonNode schema, String without, JsonNode branch) {
        if (isFalse(branch)) {
            return branch;
        }
        ObjectNode merged = ((ObjectNode) schema).deepCopy();
        merged.remove(without);
        if (branch.isObject()) {
            branch.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
        }
        return merged;
    }
}
