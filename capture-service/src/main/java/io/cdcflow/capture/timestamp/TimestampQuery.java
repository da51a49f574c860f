package io.cdcflow.capture.timestamp;

import io.cdcflow.capture.jdbc.Column;
import io.cdcflow.capture.jdbc.SqlDialect;
import io.cdcflow.capture.jdbc.CapturedTable;

import java.util.List;
import java.util.StringJoiner;

/**
 * The keyset-paginated query of one table for timestamp polling, ordered by {@code (timestamp column, primary
 * key)}: each row comes with its timestamp as epoch microseconds, its JSON image and its key columns (to bind
 * the next page's start). The first page starts at a timestamp ({@code >=}); the next ones strictly after the
 * last row read, so rows sharing a timestamp are neither skipped nor read twice. Only identifiers from the
 * catalog, validated and quoted, go into the text; timestamps, keys and limits are bound.
 *
 * @param first the first page: binds (epoch micros, limit)
 * @param next  a following page: binds (epoch micros, each key column, limit)
 */
public record TimestampQuery(String first, String next) {

    /** The queries of a table whose modification time is in {@code timestamp}. */
    public static TimestampQuery of(SqlDialect d, CapturedTable table, Column timestamp) {
        String ts = "t." + d.quote(timestamp.name());
        List<String> key = table.primaryKey().stream().map(k -> "t." + d.quote(k)).toList();
        String select = "SELECT " + d.epochMicros(ts, timestamp) + ", " + d.rowImage(table, "t") + ", "
                + String.join(", ", key) + " FROM " + d.qualified(table.id()) + " t WHERE ";
        String order = " ORDER BY " + ts + ", " + String.join(", ", key) + " LIMIT ?";
        StringJoiner row = new StringJoiner(", ", "(", ")");
        StringJoiner values = new StringJoiner(", ", "(", ")");
        row.add(ts);
        values.add(d.fromEpochMicros(timestamp));
        key.forEach(k -> {
            row.add(k);
            values.add("?");
        });
        return new TimestampQuery(
                select + ts + " >= " + d.fromEpochMicros(timestamp) + order,
                select + row + " > " + values + order);
    }
}
