package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.registry.schema.JsonSchemaDiff.Type;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

/**
 * The assertions on a single value: {@code type}, {@code enum}/{@code const}, string length and pattern, numeric
 * bounds and {@code multipleOf}. Also the bound rule ({@link #upper}, {@link #lower}) that object and array counts
 * share.
 */
final class JsonScalarDiff {

    private JsonScalarDiff() {
    }

    static void compare(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u) {
        compareTypes(ctx, path, o, u);
        compareEnums(ctx, path, o, u);
        upper(ctx, path, o, u, "maxLength", Type.MAX_LENGTH_ADDED, Type.MAX_LENGTH_DECREASED);
        lower(ctx, path, o, u, "minLength", Type.MIN_LENGTH_ADDED, Type.MIN_LENGTH_INCREASED);
        if (u.has("pattern") && !u.get("pattern").equals(o.get("pattern"))) {
            ctx.add(path + "/pattern", o.has("pattern") ? Type.PATTERN_CHANGED : Type.PATTERN_ADDED);
        }
        upper(ctx, path, o, u, "maximum", Type.MAXIMUM_ADDED, Type.MAXIMUM_DECREASED);
        lower(ctx, path, o, u, "minimum", Type.MINIMUM_ADDED, Type.MINIMUM_INCREASED);
        upper(ctx, path, o, u, "exclusiveMaximum", Type.EXCLUSIVE_MAXIMUM_ADDED, Type.EXCLUSIVE_MAXIMUM_DECREASED);
        lower(ctx, path, o, u, "exclusiveMinimum", Type.EXCLUSIVE_MINIMUM_ADDED, Type.EXCLUSIVE_MINIMUM_INCREASED);
        compareMultipleOf(ctx, path, o, u);
    }

    /** An upper bound ({@code maxLength}, {@code maxItems}...): added or lowered is incompatible. */
    static void upper(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, String keyword, Type added,
                      Type tightened) {
        bound(ctx, path, o, u, keyword, added, tightened, -1);
    }

    /** A lower bound ({@code minLength}, {@code minItems}...): added or raised is incompatible. */
    static void lower(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, String keyword, Type added,
                      Type tightened) {
        bound(ctx, path, o, u, keyword, added, tightened, 1);
    }

    /** {@code tighterSign}: the sign of compare(update, original) that makes the update stricter. */
    private static void bound(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, String keyword,
                              Type added, Type tightened, int tighterSign) {
        JsonNode uv = u.get(keyword);
        if (uv == null || (uv.isBoolean() && !uv.booleanValue())) {
            return;
        }
        JsonNode ov = o.get(keyword);
        if (ov == null || (ov.isBoolean() && !ov.booleanValue())) {
            ctx.add(path + "/" + keyword, added);
        } else if (uv.isNumber() && ov.isNumber()
                && Integer.signum(uv.decimalValue().compareTo(ov.decimalValue())) == tighterSign) {
            ctx.add(path + "/" + keyword, tightened);
        }
    }

    private static void compareTypes(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u) {
        Set<String> ut = types(u);
        if (ut == null) {
            return;
        }
        Set<String> ot = types(o);
        if (ot == null) {
            ctx.add(path + "/type", Type.TYPE_NARROWED);
            return;
        }
        boolean all = true;
        boolean any = false;
        for (String t : ot) {
            boolean covered = ut.contains(t) || (t.equals("integer") && ut.contains("number"));
            all &= covered;
            any |= covered || (t.equals("number") && ut.contains("integer"));
        }
        if (!all) {
            ctx.add(path + "/type", any ? Type.TYPE_NARROWED : Type.TYPE_CHANGED);
        }
    }

    private static Set<String> types(JsonNode n) {
        JsonNode t = n.get("type");
        if (t == null) {
            return null;
        }
        Set<String> types = new HashSet<>();
        if (t.isTextual()) {
            types.add(t.asText());
        } else {
            t.forEach(v -> types.add(v.asText()));
        }
        return types;
    }

    private static void compareEnums(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u) {
        Set<JsonNode> ue = enumValues(u);
        if (ue == null) {
            return;
        }
        Set<JsonNode> oe = enumValues(o);
        if (oe == null) {
            ctx.add(path + "/enum", Type.ENUM_ARRAY_NARROWED);
        } else if (!ue.containsAll(oe)) {
            ctx.add(path + "/enum", oe.containsAll(ue) ? Type.ENUM_ARRAY_NARROWED : Type.ENUM_ARRAY_CHANGED);
        }
    }

    private static Set<JsonNode> enumValues(JsonNode n) {
        if (n.has("const")) {
            return Set.of(n.get("const"));
        }
        if (n.path("enum").isArray()) {
            Set<JsonNode> values = new HashSet<>();
            n.get("enum").forEach(values::add);
            return values;
        }
        return null;
    }

    private static void compareMultipleOf(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u) {
        JsonNode uv = u.get("multipleOf");
        if (uv == null || !uv.isNumber()) {
            return;
        }
        JsonNode ov = o.get("multipleOf");
        if (ov == null || !ov.isNumber()) {
            ctx.add(path + "/multipleOf", Type.MULTIPLE_OF_ADDED);
            return;
        }
        BigDecimal ob = ov.decimalValue();
        BigDecimal ub = uv.decimalValue();
        if (ob.remainder(ub).signum() != 0) {
            ctx.add(path + "/multipleOf",
                    ub.remainder(ob).signum() == 0 ? Type.MULTIPLE_OF_EXPANDED : Type.MULTIPLE_OF_CHANGED);
        }
    }
}
