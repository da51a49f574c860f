package io.cdcflow.capture.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The columns and primary key of a captured table, read from the source's JDBC catalog. Column names must be
 * plain identifiers, because the trigger strategy embeds them in trigger bodies.
 *
 * @param id         the table
 * @param columns    its columns in ordinal order
 * @param primaryKey its primary-key column names in key order, never empty
 */
public record CapturedTable(TableId id, List<Column> columns, List<String> primaryKey) {

    public CapturedTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /**
     * Reads a table's shape.
     *
     * @throws InvalidTableException when the table does not exist, has no primary key, or has a column whose
     *                               name is not a plain identifier
     */
    public static CapturedTable read(Connection c, SqlDialect dialect, TableId id) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String catalog = dialect.catalogOf(id);
        String schema = dialect.schemaOf(id);
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(catalog, schema, id.table(), null)) {
            while (rs.next()) {
                if (!id.table().equals(rs.getString("TABLE_NAME"))) {
                    continue; // getColumns takes a LIKE pattern: '_' matches any character
                }
                String name = rs.getString("COLUMN_NAME");
                try {
                    TableId.requireIdentifier(name);
                } catch (IllegalArgumentException e) {
                    throw new InvalidTableException("table " + id + ": column " + e.getMessage());
                }
                String typeName = rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT);
                ConnectColumnType type = dialect.typeOf(rs.getInt("DATA_TYPE"), typeName, rs.getInt("COLUMN_SIZE"),
                        rs.getInt("DECIMAL_DIGITS"));
                columns.add(new Column(name, type, typeName,
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls, rs.getInt("DECIMAL_DIGITS")));
            }
        }
        if (columns.isEmpty()) {
            throw new InvalidTableException("table " + id + " does not exist (or the user cannot see it)");
        }
        TreeMap<Short, String> key = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, id.table())) {
            while (rs.next()) {
                key.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        if (key.isEmpty()) {
            throw new InvalidTableException("table " + id + " has no primary key: events are keyed by it");
        }
        return new CapturedTable(id, columns, new ArrayList<>(key.values()));
    }

    /** The column of that name, if the table has it. */
    public Optional<Column> column(String name) {
        return columns.stream().filter(col -> col.name().equals(name)).findFirst();
    }

    /** The primary-key columns in key order. */
    public List<Column> keyColumns() {
        return primaryKey.stream().map(k -> column(k).orElseThrow()).toList();
    }

    /** A table that cannot be captured as it is; the message says why. */
    public static class InvalidTableException extends SQLException {
        public InvalidTableException(String message) {
            super(message);
        }
    }
}
