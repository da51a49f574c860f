package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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

    /** Keywords that constrain documents; a schema with none of them accepts everything. */
    private static final Set<String> ASSERTIONS = Set.of("type", "enum", "const", "multipleOf", "maximum",
            "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "items",
            "prefixItems", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains", "maxProperties",
            "minProperties", "required", "properties", "patternProperties", "additionalProperties", "dependencies",
            "dependentRequired", "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf",
            "not", "$ref", "format", "unevaluatedProperties", "unevaluatedItems");
    private static final int MAX_DEPTH = 64;
    private static final JsonNode TRUE = BooleanNode.TRUE;

    private final JsonNode originalRoot;
    private final JsonNode updateRoot;
    private final List<Difference> differences = new ArrayList<>();
    private final Set<Pair> seen = new HashSet<>();

    private JsonSchemaDiff(JsonNode originalRoot, JsonNode updateRoot) {
        this.originalRoot = originalRoot;
        this.updateRoot = updateRoot;
    }

    /** The incompatible changes from {@code original} (writer) to {@code update} (reader); empty when compatible. */
    public static List<Difference> compare(JsonNode original, JsonNode update) {
        if (original.equals(update)) {
            return List.of();
        }
        JsonSchemaDiff diff = new JsonSchemaDiff(original, update);
        diff.diff("#", original, update, 0);
        return List.copyOf(new LinkedHashSet<>(diff.differences));
    }

    /** Resolves a local JSON pointer reference ({@code #/definitions/x}) in {@code root}, or null. */
    public static JsonNode pointer(JsonNode root, String ref) {
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

    /** Identity pair of schema nodes already compared, so that recursive $refs terminate. */
    private record Pair(JsonNode original, JsonNode update) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.original == original && p.update == update;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(original) * 31 + System.identityHashCode(update);
        }
    }

    private boolean compatible(JsonNode original, JsonNode update, int depth) {
        JsonSchemaDiff sub = new JsonSchemaDiff(originalRoot, updateRoot);
        sub.diff("#", original, update, depth);
        return sub.differences.isEmpty();
    }

    private List<Difference> differencesOf(String path, JsonNode original, JsonNode update, int depth) {
        JsonSchemaDiff sub = new JsonSchemaDiff(originalRoot, updateRoot);
        sub.diff(path, original, update, depth);
        return sub.differences;
    }

    private void add(String path, Type type) {
        differences.add(new Difference(path, type));
    }

    private static JsonNode deref(JsonNode root, JsonNode node) {
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

    private static boolean acceptsAll(JsonNode n) {
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

    private static boolean isFalse(JsonNode n) {
        return n.isBoolean() && !n.booleanValue();
    }

    private void diff(String path, JsonNode originalNode, JsonNode updateNode, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        JsonNode o = deref(originalRoot, originalNode);
        JsonNode u = deref(updateRoot, updateNode);
        if (!seen.add(new Pair(o, u))) {
            return;
        }
        if (acceptsAll(u) || isFalse(o)) {
            return;
        }
        if (isFalse(u)) {
            add(path, Type.TYPE_NARROWED);
            return;
        }
        if (acceptsAll(o)) {
            add(path, Type.SCHEMA_ADDED);
            return;
        }
        if (o.equals(u) && o.findValue("$ref") == null) {
            return;
        }
        if (expandCombinations(path, o, u, depth)) {
            return;
        }
        if (o.has("$ref") || u.has("$ref")) {
            if (!o.path("$ref").equals(u.path("$ref"))) {
                add(path, Type.TYPE_CHANGED);
            }
            return;
        }
        compareTypes(path, o, u);
        compareEnums(path, o, u);
        upper(path, o, u, "maxLength", Type.MAX_LENGTH_ADDED, Type.MAX_LENGTH_DECREASED);
        lower(path, o, u, "minLength", Type.MIN_LENGTH_ADDED, Type.MIN_LENGTH_INCREASED);
        if (u.has("pattern") && !u.get("pattern").equals(o.get("pattern"))) {
            add(path + "/pattern", o.has("pattern") ? Type.PATTERN_CHANGED : Type.PATTERN_ADDED);
        }
        upper(path, o, u, "maximum", Type.MAXIMUM_ADDED, Type.MAXIMUM_DECREASED);
        lower(path, o, u, "minimum", Type.MINIMUM_ADDED, Type.MINIMUM_INCREASED);
        upper(path, o, u, "exclusiveMaximum", Type.EXCLUSIVE_MAXIMUM_ADDED, Type.EXCLUSIVE_MAXIMUM_DECREASED);
        lower(path, o, u, "exclusiveMinimum", Type.EXCLUSIVE_MINIMUM_ADDED, Type.EXCLUSIVE_MINIMUM_INCREASED);
        compareMultipleOf(path, o, u);
        compareObjects(path, o, u, depth);
        compareArrays(path, o, u, depth);
        compareNot(path, o, u, depth);
        compareOthers(path, o, u, depth);
    }

    /**
     * Splits unions and intersections into branches (each merged with its siblings) and compares those; true when
     * the pair was handled that way.
     */
    private boolean expandCombinations(String path, JsonNode o, JsonNode u, int depth) {
        for (String sum : List.of("anyOf", "oneOf")) {
            if (o.path(sum).isArray()) {
                // Every document of any original branch must still be accepted.
                JsonNode branches = o.get(sum);
                for (int i = 0; i < branches.size(); i++) {
                    diff(path + "/" + sum + "/" + i, merge(o, sum, deref(originalRoot, branches.get(i))), u, depth + 1);
                }
                return true;
            }
        }
        for (String sum : List.of("anyOf", "oneOf")) {
            if (u.path(sum).isArray()) {
                // The original must fit one branch of the update.
                JsonNode branches = u.get(sum);
                for (int i = 0; i < branches.size(); i++) {
                    if (compatible(o, merge(u, sum, deref(updateRoot, branches.get(i))), depth + 1)) {
                        return true;
                    }
                }
                // Reported where the original is: nothing in the update's union accepts it.
                add(path, Type.SUM_TYPE_NARROWED);
                return true;
            }
        }
        if (u.path("allOf").isArray()) {
            JsonNode branches = u.get("allOf");
            for (int i = 0; i < branches.size(); i++) {
                List<Difference> found = differencesOf(path + "/allOf/" + i, o,
                        merge(u, "allOf", deref(updateRoot, branches.get(i))), depth + 1);
                if (!found.isEmpty()) {
                    add(path + "/allOf/" + i, Type.PRODUCT_TYPE_EXTENDED);
                    differences.addAll(found);
                }
            }
            return true;
        }
        if (o.path("allOf").isArray()) {
            JsonNode branches = o.get("allOf");
            List<Difference> fewest = null;
            for (int i = 0; i < branches.size(); i++) {
                List<Difference> found = differencesOf(path, merge(o, "allOf", deref(originalRoot, branches.get(i))),
                        u, depth + 1);
                if (found.isEmpty()) {
                    return true;
                }
                if (fewest == null || found.size() < fewest.size()) {
                    fewest = found;
                }
            }
            if (fewest != null) {
                add(path + "/allOf", Type.COMBINED_TYPE_SUBSCHEMAS_CHANGED);
                differences.addAll(fewest);
            }
            return true;
        }
        return false;
    }

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

    private void compareTypes(String path, JsonNode o, JsonNode u) {
        Set<String> ut = types(u);
        if (ut == null) {
            return;
        }
        Set<String> ot = types(o);
        if (ot == null) {
            add(path + "/type", Type.TYPE_NARROWED);
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
            add(path + "/type", any ? Type.TYPE_NARROWED : Type.TYPE_CHANGED);
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

    private void compareEnums(String path, JsonNode o, JsonNode u) {
        Set<JsonNode> ue = enumValues(u);
        if (ue == null) {
            return;
        }
        Set<JsonNode> oe = enumValues(o);
        if (oe == null) {
            add(path + "/enum", Type.ENUM_ARRAY_NARROWED);
        } else if (!ue.containsAll(oe)) {
            add(path + "/enum", oe.containsAll(ue) ? Type.ENUM_ARRAY_NARROWED : Type.ENUM_ARRAY_CHANGED);
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

    private void upper(String path, JsonNode o, JsonNode u, String keyword, Type added, Type tightened) {
        bound(path, o, u, keyword, added, tightened, -1);
    }

    private void lower(String path, JsonNode o, JsonNode u, String keyword, Type added, Type tightened) {
        bound(path, o, u, keyword, added, tightened, 1);
    }

    /** {@code tighterSign}: the sign of compare(update, original) that makes the update stricter. */
    private void bound(String path, JsonNode o, JsonNode u, String keyword, Type added, Type tightened, int tighterSign) {
        JsonNode uv = u.get(keyword);
        if (uv == null || (uv.isBoolean() && !uv.booleanValue())) {
            return;
        }
        JsonNode ov = o.get(keyword);
        if (ov == null || (ov.isBoolean() && !ov.booleanValue())) {
            add(path + "/" + keyword, added);
        } else if (uv.isNumber() && ov.isNumber()
                && Integer.signum(uv.decimalValue().compareTo(ov.decimalValue())) == tighterSign) {
            add(path + "/" + keyword, tightened);
        }
    }

    private void compareMultipleOf(String path, JsonNode o, JsonNode u) {
        JsonNode uv = u.get("multipleOf");
        if (uv == null || !uv.isNumber()) {
            return;
        }
        JsonNode ov = o.get("multipleOf");
        if (ov == null || !ov.isNumber()) {
            add(path + "/multipleOf", Type.MULTIPLE_OF_ADDED);
            return;
        }
        BigDecimal ob = ov.decimalValue();
        BigDecimal ub = uv.decimalValue();
        if (ob.remainder(ub).signum() != 0) {
            add(path + "/multipleOf", ub.remainder(ob).signum() == 0 ? Type.MULTIPLE_OF_EXPANDED : Type.MULTIPLE_OF_CHANGED);
        }
    }

    private void compareObjects(String path, JsonNode o, JsonNode u, int depth) {
        JsonNode op = o.path("properties");
        JsonNode up = u.path("properties");
        Set<String> oreq = strings(o.get("required"));
        Set<String> ureq = strings(u.get("required"));
        Set<String> reported = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = up.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = path + "/properties/" + name;
            if (op.has(name)) {
                diff(at, op.get(name), e.getValue(), depth + 1);
                continue;
            }
            JsonNode cover = deref(originalRoot, coverFor(o, name));
            JsonNode added = deref(updateRoot, e.getValue());
            if (acceptsAll(cover)) {
                if (!acceptsAll(added)) {
                    add(at, Type.PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
                }
            } else if (isFalse(cover)) {
                if (ureq.contains(name) && !added.has("default")) {
                    add(at, Type.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
                    reported.add(name);
                }
            } else if (!compatible(cover, added, depth + 1)) {
                add(at, Type.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = op.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (up.has(name)) {
                continue;
            }
            JsonNode cover = deref(updateRoot, coverFor(u, name));
            JsonNode removed = deref(originalRoot, e.getValue());
            if (isFalse(cover)) {
                if (!isFalse(removed)) {
                    add(path + "/properties/" + name, Type.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            } else if (!acceptsAll(cover) && !compatible(removed, cover, depth + 1)) {
                add(path + "/properties/" + name, Type.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
        for (String name : ureq) {
            if (!oreq.contains(name) && !reported.contains(name)
                    && !deref(updateRoot, up.path(name)).has("default")) {
                add(path + "/required/" + name, Type.REQUIRED_ATTRIBUTE_ADDED);
            }
        }
        compareAdditional(path + "/additionalProperties", deref(originalRoot, o.get("additionalProperties")),
                deref(updateRoot, u.get("additionalProperties")), Type.ADDITIONAL_PROPERTIES_REMOVED,
                Type.ADDITIONAL_PROPERTIES_NARROWED, depth);
        comparePatternProperties(path, o, u, depth);
        upper(path, o, u, "maxProperties", Type.MAX_PROPERTIES_ADDED, Type.MAX_PROPERTIES_DECREASED);
        lower(path, o, u, "minProperties", Type.MIN_PROPERTIES_ADDED, Type.MIN_PROPERTIES_INCREASED);
        compareDependencies(path, o, u, "dependencies", depth);
        compareDependencies(path, o, u, "dependentRequired", depth);
        compareDependencies(path, o, u, "dependentSchemas", depth);
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

    private void compareAdditional(String path, JsonNode o, JsonNode u, Type removed, Type narrowed, int depth) {
        if (acceptsAll(u) || isFalse(o)) {
            return;
        }
        if (isFalse(u)) {
            add(path, removed);
        } else if (acceptsAll(o)) {
            add(path, narrowed);
        } else {
            diff(path, o, u, depth + 1);
        }
    }

    private void comparePatternProperties(String path, JsonNode o, JsonNode u, int depth) {
        JsonNode opp = o.path("patternProperties");
        JsonNode upp = u.path("patternProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = upp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "/patternProperties/" + e.getKey();
            if (opp.has(e.getKey())) {
                diff(at, opp.get(e.getKey()), e.getValue(), depth + 1);
            } else {
                JsonNode before = deref(originalRoot, o.get("additionalProperties"));
                if (!isFalse(before) && !compatible(before, e.getValue(), depth + 1)) {
                    add(at, Type.ADDITIONAL_PROPERTIES_NARROWED);
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = opp.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!upp.has(e.getKey())) {
                JsonNode after = deref(updateRoot, u.get("additionalProperties"));
                if (!compatible(e.getValue(), after, depth + 1)) {
                    add(path + "/patternProperties/" + e.getKey(), Type.ADDITIONAL_PROPERTIES_NARROWED);
                }
            }
        }
    }

    private void compareDependencies(String path, JsonNode o, JsonNode u, String keyword, int depth) {
        JsonNode od = o.path(keyword);
        for (Iterator<Map.Entry<String, JsonNode>> it = u.path(keyword).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "/" + keyword + "/" + e.getKey();
            JsonNode before = od.get(e.getKey());
            if (e.getValue().isArray()) {
                if (before == null) {
                    add(at, Type.DEPENDENCY_ARRAY_ADDED);
                } else {
                    Set<String> b = strings(before);
                    Set<String> a = strings(e.getValue());
                    if (!b.containsAll(a)) {
                        add(at, a.containsAll(b) ? Type.DEPENDENCY_ARRAY_EXTENDED : Type.DEPENDENCY_ARRAY_CHANGED);
                    }
                }
            } else if (before == null) {
                add(at, Type.DEPENDENCY_SCHEMA_ADDED);
            } else {
                diff(at, before, e.getValue(), depth + 1);
            }
        }
    }

    private void compareArrays(String path, JsonNode o, JsonNode u, int depth) {
        Items oi = Items.of(o);
        Items ui = Items.of(u);
        int common = Math.min(oi.prefix().size(), ui.prefix().size());
        for (int i = 0; i < common; i++) {
            diff(path + "/items/" + i, oi.prefix().get(i), ui.prefix().get(i), depth + 1);
        }
        for (int i = common; i < ui.prefix().size(); i++) {
            JsonNode before = deref(originalRoot, oi.rest());
            JsonNode item = deref(updateRoot, ui.prefix().get(i));
            if (acceptsAll(before)) {
                if (!acceptsAll(item)) {
                    add(path + "/items/" + i, Type.ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
                }
            } else if (!isFalse(before) && !compatible(before, item, depth + 1)) {
                add(path + "/items/" + i, Type.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
        for (int i = common; i < oi.prefix().size(); i++) {
            JsonNode after = deref(updateRoot, ui.rest());
            JsonNode item = deref(originalRoot, oi.prefix().get(i));
            if (isFalse(after)) {
                if (!isFalse(item)) {
                    add(path + "/items/" + i, Type.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            } else if (!acceptsAll(after) && !compatible(item, after, depth + 1)) {
                add(path + "/items/" + i, Type.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
        if (oi.prefix().isEmpty() && ui.prefix().isEmpty()) {
            diff(path + "/items", oi.rest(), ui.rest(), depth + 1);
        } else {
            compareAdditional(path + "/additionalItems", deref(originalRoot, oi.rest()), deref(updateRoot, ui.rest()),
                    Type.ADDITIONAL_ITEMS_REMOVED, Type.ADDITIONAL_ITEMS_NARROWED, depth);
        }
        upper(path, o, u, "maxItems", Type.MAX_ITEMS_ADDED, Type.MAX_ITEMS_DECREASED);
        lower(path, o, u, "minItems", Type.MIN_ITEMS_ADDED, Type.MIN_ITEMS_INCREASED);
        if (u.path("uniqueItems").asBoolean(false) && !o.path("uniqueItems").asBoolean(false)) {
            add(path + "/uniqueItems", Type.UNIQUE_ITEMS_ADDED);
        }
    }

    /** An array schema as positional items (tuple form) followed by the schema of the remaining items. */
    private record Items(List<JsonNode> prefix, JsonNode rest) {
        static Items of(JsonNode schema) {
            List<JsonNode> prefix = new ArrayList<>();
            if (schema.path("prefixItems").isArray()) {
                schema.get("prefixItems").forEach(prefix::add);
                return new Items(prefix, schema.has("items") ? schema.get("items") : TRUE);
            }
            JsonNode items = schema.get("items");
            if (items != null && items.isArray()) {
                items.forEach(prefix::add);
                return new Items(prefix, schema.has("additionalItems") ? schema.get("additionalItems") : TRUE);
            }
            return new Items(prefix, items == null ? TRUE : items);
        }
    }

    private void compareNot(String path, JsonNode o, JsonNode u, int depth) {
        if (!u.has("not")) {
            return;
        }
        if (!o.has("not")) {
            add(path + "/not", Type.NOT_TYPE_EXTENDED);
            return;
        }
        // The update excludes no more than the original when the update's excluded set fits in the original's.
        JsonSchemaDiff reversed = new JsonSchemaDiff(updateRoot, originalRoot);
        reversed.diff("#", u.get("not"), o.get("not"), depth + 1);
        if (!reversed.differences.isEmpty()) {
            add(path + "/not", Type.NOT_TYPE_EXTENDED);
        }
    }

    private void compareOthers(String path, JsonNode o, JsonNode u, int depth) {
        if (u.has("propertyNames")) {
            diff(path + "/propertyNames", o.get("propertyNames"), u.get("propertyNames"), depth + 1);
        }
        if (u.has("contains")) {
            diff(path + "/contains", o.get("contains"), u.get("contains"), depth + 1);
        }
        for (String conditional : List.of("if", "then", "else")) {
            if (u.has(conditional) && !u.get(conditional).equals(o.get(conditional))) {
                add(path + "/" + conditional, Type.COMBINED_TYPE_SUBSCHEMAS_CHANGED);
            }
        }
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new HashSet<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}
