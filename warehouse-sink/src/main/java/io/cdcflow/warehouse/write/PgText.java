package io.cdcflow.warehouse.write;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Writes a bound value ({@code ColumnType.toJdbc}) in PostgreSQL's text input form, for the {@code text[]} array
 * parameters the batch statements cast to each column's type: the same text the type's input function reads from a
 * literal, so that a value casts as it did when bound on its own.
 */
final class PgText {

    private static final HexFormat HEX = HexFormat.of();

    private PgText() {
    }

    /** The text form of a value; null for null. */
    static String of(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case byte[] b -> "\\x" + HEX.formatHex(b);
            case LocalDate d -> date(d);
            case LocalTime t -> t.toString();
            case LocalDateTime t -> date(t.toLocalDate()) + " " + t.toLocalTime();
            case OffsetDateTime t -> date(t.toLocalDate()) + " " + t.toLocalTime() + offset(t.getOffset());
            // Numbers (BigDecimal's exponent form included), booleans, UUIDs: their toString is PostgreSQL input.
            default -> value.toString();
        };
    }

    /** An ISO date; years before 1 in PostgreSQL's {@code BC} form (Java's year 0 is 1 BC), years past 9999 as they are. */
    private static String date(LocalDate d) {
        int year = d.getYear();
        StringBuilder ymd = new StringBuilder(14);
        int y = year > 0 ? year : 1 - year;
        for (int digits = Integer.toString(y).length(); digits < 4; digits++) {
            ymd.append('0');
        }
        ymd.append(y).append('-');
        twoDigits(ymd, d.getMonthValue()).append('-');
        twoDigits(ymd, d.getDayOfMonth());
        return year > 0 ? ymd.toString() : ymd.append(" BC").toString();
    }

    private static StringBuilder twoDigits(StringBuilder out, int value) {
        return (value < 10 ? out.append('0') : out).append(value);
    }

    /** {@code +hh:mm} or {@code +hh:mm:ss}; UTC as {@code +00:00} rather than Java's {@code Z}. */
    private static String offset(ZoneOffset o) {
        return o.getTotalSeconds() == 0 ? "+00:00" : o.getId();
    }
}
