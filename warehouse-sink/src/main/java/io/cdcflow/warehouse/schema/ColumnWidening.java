package io.cdcflow.warehouse.schema;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a warehouse column must be widened in place for a source column whose type grew (ordinary DDL:
 * {@code int} to {@code bigint}, {@code real} to {@code double precision}, {@code numeric(p,s)} to a larger
 * precision or scale), and to what. The answer is the narrowest type that holds every value of both the column as
 * it stands and the new source type, so nothing it already holds is lost and every new value fits; empty when the
 * column already holds the new type's values (the same type, or a source type that narrowed: the column stays
 * wider) or when the two are not of one kind (text and integer, say), which no in-place change can reconcile.
 * Types are PostgreSQL's names as {@code format_type} prints them.
 */
public final class ColumnWidening {

    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");
    private static final List<String> FLOATS = List.of("real", "double precision");
    private static final Pattern NUMERIC = Pattern.compile("numeric(?:\\((\\d+),(\\d+)\\))?");
    /** Decimal digits of the integer types, for widening one into a numeric. */
    private static final int[] INTEGER_DIGITS = {5, 10, 19};

    private ColumnWidening() {
    }

    /** The type to change {@code current} to so that it holds {@code wanted}'s values, or empty when none is needed. */
    public static Optional<String> widened(String current, String wanted) {
        String c = normalise(current);
        String w = normalise(wanted);
        if (c.equals(w)) {
            return Optional.empty();
        }
        if (INTEGERS.contains(c) && INTEGERS.contains(w)) {
            return INTEGERS.indexOf(w) > INTEGERS.indexOf(c) ? Optional.of(w) : Optional.empty();
        }
        if (FLOATS.contains(c) && FLOATS.contains(w)) {
            return FLOATS.indexOf(w) > FLOATS.indexOf(c) ? Optional.of(w) : Optional.empty();
        }
        Matcher cn = NUMERIC.matcher(c);
        Matcher wn = NUMERIC.matcher(w);
        if (cn.matches() && wn.matches()) {
            return numeric(cn, wn);
        }
        if (INTEGERS.contains(c) && wn.matches()) {
            if (wn.group(1) == null) {
                return Optional.of("numeric");
            }
            int digits = Math.max(INTEGER_DIGITS[INTEGERS.indexOf(c)], Integer.parseInt(wn.group(1))
                    - Integer.parseInt(wn.group(2)));
            int scale = Integer.parseInt(wn.group(2));
            return Optional.of(numericType(digits, scale));
        }
        return Optional.empty();
    }

    private static Optional<String> numeric(Matcher current, Matcher wanted) {
        if (current.group(1) == null) {
            return Optional.empty(); // unconstrained numeric holds every number
        }
        if (wanted.group(1) == null) {
            return Optional.of("numeric");
        }
        int cp = Integer.parseInt(current.group(1));
        int cs = Integer.parseInt(current.group(2));
        int wp = Integer.parseInt(wanted.group(1));
        int ws = Integer.parseInt(wanted.group(2));
        int digits = Math.max(cp - cs, wp - ws);
        int scale = Math.max(cs, ws);
        String union = numericType(digits, scale);
        return union.equals(numericType(cp - cs, cs)) ? Optional.empty() : Optional.of(union);
    }

    private static String numericType(int integerDigits, int scale) {
        int precision = integerDigits + scale;
        return precision > 1000 ? "numeric" : "numeric(" + precision + "," + scale + ")";
    }

    private static String normalise(String type) {
        String t = type.strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        return switch (t) {
            case "int2" -> "smallint";
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "float4" -> "real";
            case "float8", "doubleprecision" -> "double precision";
            default -> t;
        };
    }
}
