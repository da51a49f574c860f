package io.cdcflow.capture.log;

import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.jdbc.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A log-based source's column selection and masking ({@code log.column-include-list}, {@code column-exclude-list},
 * {@code column-mask-hash}, {@code column-mask-chars}), checked against the source's catalog at start-up and mapped
 * to Debezium's {@code column.include.list}, {@code column.exclude.list},
 * {@code column.mask.hash.SHA-256.with.salt.<salt>} and {@code column.mask.with.<n>.chars}. Debezium applies them
 * to the rows and to the Connect schema alike, so the router registers what the sinks receive.
 *
 * @param prefix  the prefix of the source's log properties, for error messages
 * @param tables  the captured tables
 * @param lists   the column lists by property name, each column as {@code namespace.table.column}
 * @param salt    the hash salt, or null
 * @param maskLength how many asterisks replace a masked value
 */
record ColumnFilters(String prefix, List<String> tables, Map<String, List<String>> lists, String salt, int maskLength) {

    static final String INCLUDE = "column-include-list";
    static final String EXCLUDE = "column-exclude-list";
    static final String HASH = "column-mask-hash";
    static final String CHARS = "column-mask-chars";
    private static final Set<String> CHARACTER_TYPES = Set.of("text", "character varying", "character", "varchar",
            "char", "tinytext", "mediumtext", "longtext", "citext");
    private static final Pattern SALT = Pattern.compile("[A-Za-z0-9_-]{8,128}");

    /** The source's filters, failing on a malformed value with the property named. */
    static ColumnFilters of(String name, SourceConfig source) {
        String prefix = "cdc.capture.sources." + name + ".log.";
        SourceConfig.Log log = source.log();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        log.columnIncludeList().ifPresent(l -> lists.put(INCLUDE, l));
        log.columnExcludeList().ifPresent(l -> lists.put(EXCLUDE, l));
        log.columnMaskHash().ifPresent(l -> lists.put(HASH, l));
        log.columnMaskChars().ifPresent(l -> lists.put(CHARS, l));
        if (lists.containsKey(INCLUDE) && lists.containsKey(EXCLUDE)) {
            throw new IllegalArgumentException(prefix + INCLUDE + " and " + prefix + EXCLUDE + " are exclusive: set one");
        }
        String salt = log.columnMaskHashSalt().orElse(null);
        if (lists.containsKey(HASH) && salt == null) {
            throw new IllegalArgumentException(prefix + HASH + " needs " + prefix + "column-mask-hash-salt (take it from a secret)");
        }
        if (salt != null && !SALT.matcher(salt).matches()) {
            throw new IllegalArgumentException(prefix + "column-mask-hash-salt must be 8 to 128 letters, digits, '_' or '-'");
        }
        if (log.columnMaskCharsLength() < 1) {
            throw new IllegalArgumentException(prefix + "column-mask-chars-length must be at least 1, was " + log.columnMaskCharsLength());
        }
        ColumnFilters filters = new ColumnFilters(prefix, source.tables(), lists, salt, log.columnMaskCharsLength());
        lists.forEach((property, columns) -> columns.forEach(column -> filters.parse(property, column)));
        return filters;
    }

    /** Sets the Debezium properties of the configured lists. */
    void apply(Properties p) {
        lists.forEach((property, columns) -> {
            String value = String.join(",", columns.stream().map(ColumnFilters::regex).toList());
            switch (property) {
                case INCLUDE -> p.setProperty("column.include.list", value);
                case EXCLUDE -> p.setProperty("column.exclude.list", value);
                case HASH -> p.setProperty("column.mask.hash.SHA-256.with.salt." + salt, value);
                case CHARS -> p.setProperty("column.mask.with." + maskLength + ".chars", value);
                default -> throw new IllegalStateException(property);
            }
        });
    }

    /**
     * Checks every listed column against the catalog: it exists, masked columns hold characters, and an include list
     * keeps every primary-key column (and an exclude list drops none), since events are keyed by it.
     */
    void check(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (var entry : lists.entrySet()) {
            String property = entry.getKey();
            for (String column : entry.getValue()) {
                Column col = parse(property, column);
                ColumnInfo info = describe(c, col);
                if (info == null) {
                    problems.add(prefix + property + ": column " + column + " does not exist");
                } else if ((property.equals(HASH) || property.equals(CHARS)) && !CHARACTER_TYPES.contains(info.type())) {
                    problems.add(prefix + property + ": column " + column + " is of type " + info.type()
                            + "; masking applies to character columns only");
                } else if (property.equals(EXCLUDE) && info.primaryKey()) {
                    problems.add(prefix + property + ": column " + column + " is part of the primary key; events are keyed by it");
                }
            }
        }
        List<String> included = lists.get(INCLUDE);
        if (included != null) {
            for (String table : tables) {
                TableId id = TableId.parse(table);
                for (String pk : primaryKey(c, id)) {
                    if (included.stream().noneMatch(col -> col.equalsIgnoreCase(table + "." + pk))) {
                        problems.add(prefix + INCLUDE + ": primary-key column " + table + "." + pk + " must be included");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    private Column parse(String property, String column) {
        int dot = column.lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException(prefix + property + ": '" + column + "' is not of the form schema.table.column");
        }
        String table = column.substring(0, dot);
        if (!tables.contains(table)) {
            throw new IllegalArgumentException(prefix + property + ": '" + column + "' is not a column of a captured table "
                    + tables);
        }
        try {
            return new Column(TableId.parse(table), TableId.requireIdentifier(column.substring(dot + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + property + ": " + e.getMessage(), e);
        }
    }

    /** Debezium's lists are regular expressions; the names are plain identifiers, so only '.' and '$' need escaping. */
    private static String regex(String column) {
        return column.replace("$", "\\$").replace(".", "\\.");
    }

    private static ColumnInfo describe(Connection c, Column col) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT data_type FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND column_name = ?")) {
            ps.setString(1, col.table().namespace());
            ps.setString(2, col.table().table());
            ps.setString(3, col.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new ColumnInfo(rs.getString(1).toLowerCase(Locale.ROOT),
                        primaryKey(c, col.table()).stream().anyMatch(col.name()::equalsIgnoreCase));
            }
        }
    }

    private static List<String> primaryKey(Connection c, TableId table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.column_name FROM information_schema.table_constraints t"
                + " JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name"
                + " AND k.table_schema = t.table_schema AND k.table_name = t.table_name"
                + " WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = ? AND t.table_name = ?")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private record Column(TableId table, String name) {
    }

    private record ColumnInfo(String type, boolean primaryKey) {
    }
}
