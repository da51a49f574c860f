package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which values an OpenSearch field type takes: whether a field stays as it is when a newer schema maps its column
 * with another type (OpenSearch never changes a field's type in place), and which old values a retyped field
 * would refuse.
 *
 * <p>A field stays when its type takes every value of the wanted one: the same type; {@code double} for any number
 * (the widest of its kind, as {@link IndexMappings} maps floats); {@code long} for any integer; {@code text} for a
 * {@code keyword} (an {@code Enum} or {@code Uuid} column that was a plain string). Anything else, {@code long} to
 * {@code text}, {@code keyword} to {@code long}, {@code long} to {@code double} (a {@code long} field would cut the
 * fractions), {@code text} to {@code keyword} (a keyword refuses long strings), needs a new index version.
 */
public final class FieldTypes {

    private static final Set<String> INTEGERS = Set.of("long", "integer", "short", "byte");
    private static final Set<String> NUMBERS = Set.of("long", "integer", "short", "byte", "double", "float",
            "half_float", "scaled_float");
    /** Field types that take {@code ignore_malformed}: a value they cannot parse stays in {@code _source} only. */
    private static final Set<String> MALFORMED_TOLERANT = Set.of("long", "integer", "short", "byte", "double",
            "float", "half_float", "scaled_float", "unsigned_long", "date", "date_nanos", "ip");

    /** What a field refuses, for the copy to a new version: the values it would fail a document on. */
    public enum Takes {
        /** Anything ({@code enabled: false} objects, fields of no type the sink maps). */
        ANY,
        /** Any value but an object: numbers and dates with {@code ignore_malformed}, text, keyword, binary. */
        SCALARS,
        /** {@code true}, {@code false}, their strings, or the empty string. */
        BOOLEANS,
        /** Objects only. */
        OBJECTS
    }

    private FieldTypes() {
    }

    /** True when a field mapped as {@code mapped} takes every value of a column the schema maps as {@code wanted}. */
    public static boolean accepts(String mapped, String wanted) {
        if (mapped.equals(wanted)) {
            return true;
        }
        return switch (mapped) {
            case "double" -> NUMBERS.contains(wanted);
            case "long" -> INTEGERS.contains(wanted);
            case "text" -> "keyword".equals(wanted);
            default -> false;
        };
    }

    /**
     * The fields of {@code wanted} (column mappings) that the index maps with a type that does not take their values
     * ({@code mapped}: top-level field types); fields the index does not have are new, not listed.
     */
    public static List<String> incompatible(Map<String, String> mapped, ObjectNode wanted) {
        List<String> out = new ArrayList<>();
        wanted.properties().forEach(e -> {
            String had = mapped.get(e.getKey());
            if (had != null && !accepts(had, typeOf(e.getValue()))) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    /**
     * The mapping a field gets when it is retyped in a new version: as wanted, with {@code ignore_malformed} where
     * the type has it and {@code ignore_above} on a keyword, so that an old value that does not fit stays in
     * {@code _source}, not indexed, instead of failing the copy.
     */
    public static ObjectNode tolerant(ObjectNode wanted) {
        ObjectNode field = wanted.deepCopy();
        String type = typeOf(field);
        if (MALFORMED_TOLERANT.contains(type)) {
            field.put("ignore_malformed", true);
        } else if ("keyword".equals(type) && !field.has("ignore_above")) {
            // Lucene refuses a term over 32766 bytes: 8191 characters of up to 4 bytes each.
            field.put("ignore_above", 8191);
        }
        return field;
    }

    /** What a field of this mapping refuses (after {@link #tolerant}). */
    public static Takes takes(JsonNode field) {
        return switch (typeOf(field)) {
            case "boolean" -> Takes.BOOLEANS;
            case "object", "nested" -> field.path("enabled").asBoolean(true) ? Takes.OBJECTS : Takes.ANY;
            case "flat_object" -> Takes.OBJECTS;
            default -> Takes.SCALARS;
        };
    }

    /** A field mapping's type; an object mapping may leave it out. */
    public static String typeOf(JsonNode field) {
        return field.path("type").asText("object");
    }
}
