package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a change event, as Kafka Connect's JSON converter writes it, against the Avro schema registered for its
 * topic, and makes it canonical on the way: a decimal written as base64 of its unscaled bytes (the converter's
 * default {@code decimal.format}) becomes a JSON number with its scale, so that every sink reads decimals one way.
 * Every value must be of its field's type: the right JSON type, integers within their range, strings for strings,
 * base64 for bytes, a field the schema does not have refused, a missing field only where the schema has a default.
 */
public final class AvroJsonValidator {

    private static final int MAX_VIOLATIONS = 5;

    private AvroJsonValidator() {
    }

    /**
     * The violations of an envelope (changed in place where a decimal is made canonical); empty when it conforms.
     */
    public static List<String> check(Schema schema, JsonNode value) {
        List<String> violations = new ArrayList<>();
        check(schema, value, "", violations);
        return violations.size() > MAX_VIOLATIONS ? violations.subList(0, MAX_VIOLATIONS) : violations;
    }

    /** Checks one value; returns it, or its canonical replacement (a decimal number), for the parent to put back. */
    private static JsonNode check(Schema schema, JsonNode v, String path, List<String> out) {
        if (out.size() > MAX_VIOLATIONS) {
            return v;
        }
        boolean isNull = v == null || v.isNull() || v.isMissingNode();
        switch (schema.getType()) {
            case NULL -> expect(isNull, "null", v, path, out);
            case BOOLEAN -> expect(!isNull && v.isBoolean(), "a boolean", v, path, out);
            case INT -> expect(!isNull && v.isIntegralNumber() && v.canConvertToInt(), "an int", v, path, out);
            case LONG -> expect(!isNull && v.isIntegralNumber() && v.canConvertToLong(), "a long", v, path, out);
            case FLOAT, DOUBLE -> expect(!isNull && v.isNumber(), "a number", v, path, out);
            case STRING -> expect(!isNull && v.isTextual(), "a string", v, path, out);
            case ENUM -> expect(!isNull && v.isTextual() && schema.getEnumSymbols().contains(v.asText()),
                    "one of " + schema.getEnumSymbols(), v, path, out);
            case BYTES, FIXED -> {
                return bytes(schema, v, isNull, path, out);
            }
            case ARRAY -> {
                if (expect(!isNull && v.isArray(), "an array", v, path, out)) {
                    ArrayNode a = (ArrayNode) v;
                    for (int i = 0; i < a.size(); i++) {
                        JsonNode c = check(schema.getElementType(), a.get(i), path + "[" + i + "]", out);
                        if (c != a.get(i)) {
                            a.set(i, c);
                        }
                    }
                }
            }
            case MAP -> {
                if (expect(!isNull && v.isObject(), "an object (map)", v, path, out)) {
                    ObjectNode o = (ObjectNode) v;
                    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        JsonNode c = check(schema.getValueType(), e.getValue(), path + "." + e.getKey(), out);
                        if (c != e.getValue()) {
                            e.setValue(c);
                        }
                    }
                }
            }
            case RECORD -> record(schema, v, isNull, path, out);
            case UNION -> {
                return union(schema, v, isNull, path, out);
            }
        }
        return v;
    }

    private static void record(Schema schema, JsonNode v, boolean isNull, String path, List<String> out) {
        if (!expect(!isNull && v.isObject(), "an object (" + schema.getName() + ")", v, path, out)) {
            return;
        }
        ObjectNode o = (ObjectNode) v;
        for (Schema.Field f : schema.getFields()) {
            JsonNode fv = o.get(f.name());
            if (fv == null) {
                if (!f.hasDefaultValue() && !f.schema().isNullable()) {
                    out.add(where(path + "." + f.name()) + ": missing, and the schema has no default for it");
                }
                continue;
            }
            JsonNode c = check(f.schema(), fv, path + "." + f.name(), out);
            if (c != fv) {
                o.set(f.name(), c);
            }
        }
        // A column the row schema does not have is a mismatch; elsewhere (source, transaction) an extra field is
        // ignored, as Kafka Connect's JSON converter ignores it.
        boolean row = ".before".equals(path) || ".after".equals(path);
        if (row) {
            o.fieldNames().forEachRemaining(n -> {
                if (schema.getField(n) == null && out.size() <= MAX_VIOLATIONS) {
                    out.add(where(path + "." + n) + ": not a field of " + schema.getFullName());
                }
            });
        }
    }

    private static JsonNode union(Schema schema, JsonNode v, boolean isNull, String path, List<String> out) {
        if (isNull) {
            if (schema.getTypes().stream().noneMatch(t -> t.getType() == Schema.Type.NULL)) {
                out.add(where(path) + ": null where the schema allows " + schema);
            }
            return v;
        }
        List<String> first = null;
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            List<String> tried = new ArrayList<>();
            JsonNode c = check(branch, v, path, tried);
            if (tried.isEmpty()) {
                return c;
            }
            if (first == null) {
                first = tried;
            }
        }
        out.addAll(first == null ? List.of(where(path) + ": no branch of " + schema) : first);
        return v;
    }

    private static JsonNode bytes(Schema schema, JsonNode v, boolean isNull, String path, List<String> out) {
        LogicalType logical = schema.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal d) {
            if (!isNull && v.isNumber()) {
                return v;
            }
            if (!isNull && v.isTextual()) {
                try {
                    return DecimalNode.valueOf(new BigDecimal(new BigInteger(Base64.getDecoder().decode(v.asText())),
                            d.getScale()));
                } catch (IllegalArgumentException | ArithmeticException e) {
                    out.add(where(path) + ": not a decimal (a number, or base64 of its unscaled bytes): " + v.asText());
                    return v;
                }
            }
            out.add(where(path) + ": expected a decimal, got " + describe(v));
            return v;
        }
        if (expect(!isNull && v.isTextual(), "base64 bytes", v, path, out)) {
            try {
                Base64.getDecoder().decode(v.asText());
            } catch (IllegalArgumentException e) {
                out.add(where(path) + ": not base64: " + v.asText());
            }
        }
        return v;
    }

    private static boolean expect(boolean ok, String what, JsonNode v, String path, List<String> out) {
        if (!ok) {
            out.add(where(path) + ": expected " + what + ", got " + describe(v));
        }
        return ok;
    }

    /** A path for people: {@code after.price}, or {@code value} for the whole event. */
    private static String where(String path) {
        return path.isEmpty() ? "value" : path.startsWith(".") ? path.substring(1) : path;
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        String text = v.toString();
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }
}
