package io.cdcflow.capture.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Notices DDL on a table that the trigger and timestamp sources must follow before they convert its next images: a
 * type that grew ({@code int} to {@code bigint}: a value of the new range must not be read as the old type), and, on
 * MySQL/MariaDB, whose images name their columns ({@link SqlDialect#rowImage}), any added, dropped or renamed column.
 * A cheap {@code SELECT * ... LIMIT 0} per table, its columns (names, types, sizes, nullability) compared with the
 * last one. One per source run, used by its own thread.
 */
public final class ColumnWatch {

    private final SqlDialect dialect;
    private final Map<TableId, String> seen = new HashMap<>();

    public ColumnWatch(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Whether the table's columns differ from the last time this was asked; the first time, records them and answers
     * false. Ask before reading the table's shape, so that DDL in between is noticed the next time.
     */
    public boolean changed(Connection c, TableId table) throws SQLException {
        String now = columnsOf(c, table);
        String before = seen.put(table, now);
        return before != null && !before.equals(now);
    }

    private String columnsOf(Connection c, TableId table) throws SQLException {
        StringJoiner out = new StringJoiner("|");
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + dialect.qualified(table) + " LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i) + " " + md.getColumnTypeName(i) + "(" + md.getPrecision(i) + ","
                        + md.getScale(i) + ")" + md.isNullable(i));
            }
        }
        return out.toString();
    }
}
