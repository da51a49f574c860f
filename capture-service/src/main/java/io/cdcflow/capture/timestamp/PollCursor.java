package io.cdcflow.capture.timestamp;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a poll of one table goes on after a page: the last row read, by its timestamp (epoch µs) and its primary-key
 * values, which {@link TimestampQuery#next()} orders rows by (keyset pagination, so rows that share a timestamp are
 * neither skipped nor read twice).
 *
 * @param timestampUs the row's modification time, in epoch microseconds
 * @param key         the row's primary-key values, in key order, as the driver read them
 */
record PollCursor(long timestampUs, List<Object> key) {

    PollCursor {
        key = Collections.unmodifiableList(new ArrayList<>(key)); // values may be null in a result; List.copyOf refuses
    }

    /**
     * The cursor of the current row of a poll's result: the timestamp in column 1 (column 2 holds the row image),
     * the key values in the {@code keyColumns} columns from 3 on.
     */
    static PollCursor read(ResultSet rs, int keyColumns) throws SQLException {
        List<Object> key = new ArrayList<>(keyColumns);
        for (int k = 0; k < keyColumns; k++) {
            key.add(rs.getObject(3 + k));
        }
        return new PollCursor(rs.getLong(1), key);
    }

    /**
     * Binds the cursor to the parameters of {@link TimestampQuery#next()}: the timestamp first, then the key values.
     *
     * @return the index of the next parameter (the page size)
     */
    int bind(PreparedStatement ps) throws SQLException {
        int i = 1;
        ps.setLong(i++, timestampUs);
        for (Object v : key) {
            ps.setObject(i++, v);
        }
        return i;
    }
}
