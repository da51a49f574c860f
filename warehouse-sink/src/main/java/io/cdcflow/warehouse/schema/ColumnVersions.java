package io.cdcflow.warehouse.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A source column whose type changed in a way no warehouse column can follow in place (a lossy change: {@code int}
 * to {@code text}, {@code text} to {@code int}, {@code date} to {@code timestamp}...) gets a new column next to the
 * old one, named {@code <column>__<type>} ({@code qty__text}), which takes the values of that type from then on; the
 * old column keeps what it holds. This decides whether a column holds a type's values as it stands, and names the new
 * column. Types are PostgreSQL's, as {@code format_type} prints them or as this sink creates them.
 */
public final class ColumnVersions {

    /** The separator between a source column's name and the type of its new version. */
    public static final String SEPARATOR = "__";
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");
    private static final List<String> FLOATS = List.of("real", "double precision");
    private static final Pattern NUMERIC = Pattern.compile("numeric(\\(\\d+,\\d+\\))?");
    private static final Pattern TEXT = Pattern.compile("text|character varying(\\(\\d+\\))?|varchar(\\(\\d+\\))?");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** Answers of {@link #holds} by type pair: asked per column and change, about a handful of types. */
    private static final Map<List<String>, Boolean> HOLDS = new ConcurrentHashMap<>();
    private static final int MAX_REMEMBERED = 10_000;

    private ColumnVersions() {
    }

    /**
     * True when a column of type {@code current} takes every value of type {@code wanted} without DDL: the same
     * type, or one of its kind that is at least as wide (a {@code bigint} column for {@code integer} values, text for
     * text). False when it must be widened first ({@link ColumnWidening}) or cannot follow at all (another kind).
     */
    public static boolean holds(String current, String wanted) {
        if (current.equals(wanted)) {
            return true;
        }
        List<String> pair = List.of(current, wanted);
        Boolean known = HOLDS.get(pair);
        if (known != null) {
            return known;
        }
        boolean answer = decideHolds(current, wanted);
        if (HOLDS.size() < MAX_REMEMBERED) {
            HOLDS.put(pair, answer);
        }
        return answer;
    }

    private static boolean decideHolds(String current, String wanted) {
        String c = normalise(current);
        String w = normalise(wanted);
        if (c.equals(w)) {
            return true;
        }
        return sameKind(c, w) && ColumnWidening.widened(current, wanted).isEmpty();
    }

    private static boolean sameKind(String c, String w) {
        return (INTEGERS.contains(c) && INTEGERS.contains(w))
                || (FLOATS.contains(c) && FLOATS.contains(w))
                || (NUMERIC.matcher(c).matches() && (NUMERIC.matcher(w).matches() || INTEGERS.contains(w)))
                || (TEXT.matcher(c).matches() && TEXT.matcher(w).matches() && c.equals("text"));
    }

    /**
     * The name of the column that takes {@code column}'s values of type {@code sqlType}: {@code qty__text},
     * {@code price__numeric_14_2}; the column's part is shortened when the whole would pass PostgreSQL's 63 bytes.
     */
    public static String versionedName(String column, String sqlType) {
        String suffix = SEPARATOR + normalise(sqlType).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        String name = column;
        while ((name + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES && !name.isEmpty()) {
            name = name.substring(0, name.offsetByCodePoints(name.length(), -1));
        }
        return name + suffix;
    }

    /** A type as {@code format_type} prints it: the aliases this sink creates columns with are spelled out. */
    static String normalise(String type) {
        String t = SPACES.matcher(type.strip().toLowerCase(Locale.ROOT)).replaceAll(" ").replace(", ", ",");
        return switch (t) {
            case "int2" -> "smallint";
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "float4" -> "real";
            case "float8" -> "double precision";
            case "timestamp" -> "timestamp without time zone";
            case "timestamptz" -> "timestamp with time zone";
            case "time" -> "time without time zone";
            case "timetz" -> "time with time zone";
            case "bool" -> "boolean";
            default -> t;
        };
    }
}
