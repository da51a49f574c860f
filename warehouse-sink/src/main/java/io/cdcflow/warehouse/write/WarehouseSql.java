package io.cdcflow.warehouse.write;

import io.cdcflow.warehouse.sql.Identifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.cdcflow.warehouse.sql.Identifiers.quote;

/**
 * Builds the warehouse's SQL text. Only identifiers (validated and quoted) and SQL type names (from the type
 * mapping or from PostgreSQL's own catalog) are written into it; every value is a bound parameter.
 *
 * <p>Positions are stored as their sort keys ({@code Position.sortKey()}, fixed-width text in the {@code "C"}
 * collation), so that SQL compares them as the model does.
 *
 * <p>Tables: the current-state table has the source columns (key columns {@code NOT NULL} and primary key) and
 * {@code _cdc_position text NOT NULL}, {@code _cdc_deleted}, {@code _cdc_op}, {@code _cdc_source_ts},
 * {@code _cdc_applied_at}. The history table has the same source columns and {@code _cdc_position},
 * {@code _cdc_op}, {@code _cdc_deleted}, {@code _cdc_source_ts}, {@code _cdc_valid_from},
 * {@code _cdc_valid_to} (null for the latest version), {@code _cdc_applied_at}, with primary key
 * (key columns, {@code _cdc_position}). The meta table {@code <meta-schema>.truncations} keeps, per target table,
 * the position and time of the newest truncate: a table-wide tombstone.
 *
 * <p>A batch of one table is written with two statements ({@link #upsertCurrentRows}, {@link #insertHistoryRows})
 * whose parameters are arrays, one element per change, unnested into rows and cast to each column's type; the
 * per-row forms ({@link #upsertCurrent}, {@link #insertHistory}) serve the replay of a failed batch change by change.
 */
public final class WarehouseSql {

    /** Prefix of the bookkeeping columns; source columns may not use it. */
    public static final String META_PREFIX = "_cdc_";
    /** The SQL type of a stored position. */
    static final String POSITION_TYPE = "text COLLATE \"C\"";

    private final String metaSchema;
    private final String truncations;
    private final String columnVersions;

    public WarehouseSql(String metaSchema) {
        this.metaSchema = metaSchema;
        this.truncations = Identifiers.qualified(metaSchema, "truncations");
        this.columnVersions = Identifiers.qualified(metaSchema, "column_versions");
    }

    /** The quoted qualified name of the truncation watermarks table. */
    public String truncationsTable() {
        return truncations;
    }

    public List<String> createMeta() {
        return List.of("CREATE SCHEMA IF NOT EXISTS " + quote(metaSchema),
                "CREATE TABLE IF NOT EXISTS " + truncations + " (target_schema text NOT NULL, target_table text NOT NULL,"
                        + " position " + POSITION_TYPE + " NOT NULL, source_ts timestamptz,"
                        + " PRIMARY KEY (target_schema, target_table))",
                "CREATE TABLE IF NOT EXISTS " + columnVersions + " (target_schema text NOT NULL, target_table text NOT NULL,"
                        + " source_column text NOT NULL, warehouse_column text NOT NULL, sql_type text NOT NULL,"
                        + " created_at timestamptz NOT NULL DEFAULT now(),"
                        + " PRIMARY KEY (target_schema, target_table, warehouse_column))");
    }

    /**
     * Records that {@code warehouse_column} takes {@code source_column}'s values of {@code sql_type} (a lossy type
     * change, see {@code ColumnVersions}); binds schema, table, source column, warehouse column, type.
     */
    public String recordColumnVersion() {
        return "INSERT INTO " + columnVersions + " (target_schema, target_table, source_column, warehouse_column, sql_type)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    }

    /** The column versions of a table (binds schema, table): source column, warehouse column, oldest first. */
    public String readColumnVersions() {
        return "SELECT source_column, warehouse_column FROM " + columnVersions
                + " WHERE target_schema = ? AND target_table = ? ORDER BY created_at, warehouse_column";
    }

    public String createSchema(TableNames names) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(names.schema());
    }

    /** {@code CREATE TABLE IF NOT EXISTS} of the current-state table; {@code columns} holds the key columns too. */
    public String createCurrent(TableNames names, List<String> keys, Map<String, String> columns) {
        return "CREATE TABLE IF NOT EXISTS " + names.currentSql() + " ("
                + columnDefinitions(keys, columns)
                + ", \"_cdc_position\" " + POSITION_TYPE + " NOT NULL, \"_cdc_deleted\" boolean NOT NULL DEFAULT false,"
                + " \"_cdc_op\" text NOT NULL, \"_cdc_source_ts\" timestamptz,"
                + " \"_cdc_applied_at\" timestamptz NOT NULL DEFAULT now(),"
                + " PRIMARY KEY (" + list(keys, Identifiers::quote) + "))";
    }

    /** {@code CREATE TABLE IF NOT EXISTS} of the history table. */
    public String createHistory(TableNames names, List<String> keys, Map<String, String> columns) {
        return "CREATE TABLE IF NOT EXISTS " + names.historySql() + " ("
                + columnDefinitions(keys, columns)
                + ", \"_cdc_position\" " + POSITION_TYPE + " NOT NULL, \"_cdc_op\" text NOT NULL, \"_cdc_deleted\" boolean NOT NULL,"
                + " \"_cdc_source_ts\" timestamptz, \"_cdc_valid_from\" timestamptz NOT NULL,"
                + " \"_cdc_valid_to\" timestamptz, \"_cdc_applied_at\" timestamptz NOT NULL DEFAULT now(),"
                + " PRIMARY KEY (" + list(keys, Identifiers::quote) + ", \"_cdc_position\"))";
    }

    public String addColumn(String qualifiedTable, String column, String sqlType) {
        return "ALTER TABLE " + qualifiedTable + " ADD COLUMN IF NOT EXISTS " + quote(column) + " " + sqlType;
    }

    /** {@code ALTER TABLE t ALTER COLUMN c TYPE type}: widens a column in place (its values all fit the new type). */
    public String alterColumnType(String qualifiedTable, String column, String sqlType) {
        return "ALTER TABLE " + qualifiedTable + " ALTER COLUMN " + quote(column) + " TYPE " + sqlType;
    }

    /** Serializes DDL on one table across sink instances: {@code pg_advisory_xact_lock(hashtext(?))}. */
    public String ddlLock() {
        return "SELECT pg_advisory_xact_lock(hashtext(?))";
    }

    /** Source columns and types of a table ({@code ?} = its quoted qualified name), in column order. */
    public String readColumns() {
        return "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    }

    /** Primary-key columns of a table ({@code ?} = its quoted qualified name), in key order. */
    public String readKey() {
        return "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.n";
    }

    /**
     * The guarded upsert of one row into the current-state table (the per-row form of {@link #upsertCurrentRows}). Parameters: every source column of the shape
     * in order, then position, deleted, op, source time, then target schema, target table and position again
     * (for the truncation guard). Updates only a row holding an older position; the update count says whether
     * the change was applied (1) or stale (0).
     */
    public String upsertCurrent(TableShape shape) {
        List<String> cols = new ArrayList<>(shape.columns().keySet());
        String casts = cols.stream().map(c -> "CAST(? AS " + shape.columns().get(c) + ")").collect(Collectors.joining(", "));
        List<String> updates = new ArrayList<>();
        for (String c : cols) {
            if (!shape.keyColumns().contains(c)) {
                updates.add(quote(c) + " = EXCLUDED." + quote(c));
            }
        }
        for (String m : List.of("_cdc_position", "_cdc_deleted", "_cdc_op", "_cdc_source_ts", "_cdc_applied_at")) {
            updates.add(quote(m) + " = EXCLUDED." + quote(m));
        }
        return "INSERT INTO " + shape.names().currentSql() + " AS t (" + list(cols, Identifiers::quote)
                + ", \"_cdc_position\", \"_cdc_deleted\", \"_cdc_op\", \"_cdc_source_ts\", \"_cdc_applied_at\")"
                + " SELECT " + casts + ", CAST(? AS text), CAST(? AS boolean), CAST(? AS text),"
                + " CAST(? AS timestamptz), now()"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + truncations + " w WHERE w.target_schema = ?"
                + " AND w.target_table = ? AND w.position >= ?)"
                + " ON CONFLICT (" + list(shape.keyColumns(), Identifiers::quote) + ") DO UPDATE SET "
                + String.join(", ", updates)
                + " WHERE t.\"_cdc_position\" < EXCLUDED.\"_cdc_position\"";
    }

    /**
     * Adds one version to the history table, idempotent on (key, position), and keeps every version's
     * {@code _cdc_valid_to} equal to the {@code _cdc_valid_from} of the version after it (or the time of a truncate
     * in between), whatever order versions arrive in: the new version is closed by its successor if one is
     * already there (or by the newest truncate, when that lies between them), and its predecessor is closed by it.
     * The per-row form of {@link #insertHistoryRows}, used when a batch is replayed change by change. Parameters:
     * every source column in order, then position, op, deleted, source time, valid from, then target schema and
     * table twice.
     */
    public String insertHistory(TableShape shape) {
        List<String> cols = new ArrayList<>(shape.columns().keySet());
        String h = shape.names().historySql();
        String casts = cols.stream().map(c -> "CAST(? AS " + shape.columns().get(c) + ")").collect(Collectors.joining(", "));
        String meta = "\"_cdc_position\", \"_cdc_op\", \"_cdc_deleted\", \"_cdc_source_ts\", \"_cdc_valid_from\"";
        return "WITH v (" + list(cols, Identifiers::quote) + ", " + meta + ") AS (VALUES (" + casts
                + ", CAST(? AS text), CAST(? AS text), CAST(? AS boolean), CAST(? AS timestamptz),"
                + " CAST(? AS timestamptz))),"
                + " ins AS (INSERT INTO " + h + " (" + list(cols, Identifiers::quote) + ", " + meta
                + ", \"_cdc_valid_to\") SELECT " + list(cols, c -> "v." + quote(c)) + ", v.\"_cdc_position\", v.\"_cdc_op\","
                + " v.\"_cdc_deleted\", v.\"_cdc_source_ts\", v.\"_cdc_valid_from\","
                + " CASE WHEN w.position > v.\"_cdc_position\" AND (s.\"_cdc_position\" IS NULL"
                + " OR w.position < s.\"_cdc_position\") THEN w.source_ts ELSE s.\"_cdc_valid_from\" END"
                + " FROM v LEFT JOIN LATERAL (SELECT n.\"_cdc_position\", n.\"_cdc_valid_from\" FROM " + h + " n WHERE "
                + keyMatch(shape, "n", "v") + " AND n.\"_cdc_position\" > v.\"_cdc_position\""
                + " ORDER BY n.\"_cdc_position\" LIMIT 1) s ON true"
                + " LEFT JOIN " + truncations + " w ON w.target_schema = ? AND w.target_table = ?"
                + " ON CONFLICT (" + list(shape.keyColumns(), Identifiers::quote) + ", \"_cdc_position\") DO NOTHING"
                + " RETURNING " + list(shape.keyColumns(), Identifiers::quote) + ", \"_cdc_position\", \"_cdc_valid_from\")"
                + " UPDATE " + h + " AS p SET \"_cdc_valid_to\" = ins.\"_cdc_valid_from\" FROM ins WHERE "
                + keyMatch(shape, "p", "ins")
                + " AND p.\"_cdc_position\" = (SELECT max(q.\"_cdc_position\") FROM " + h + " q WHERE "
                + keyMatch(shape, "q", "ins") + " AND q.\"_cdc_position\" < ins.\"_cdc_position\")"
                + " AND NOT EXISTS (SELECT 1 FROM " + truncations + " w WHERE w.target_schema = ? AND w.target_table = ?"
                + " AND w.position > p.\"_cdc_position\" AND w.position < ins.\"_cdc_position\")";
    }

    /**
     * The guarded upsert of a whole batch of one table into the current-state table, as one statement. Parameters,
     * each an array with one element per change (in the same order): one {@code text[]} per source column of the
     * shape (each value in PostgreSQL's text form, cast to the column's type), then positions {@code text[]},
     * deleted {@code boolean[]}, ops {@code text[]}, source times {@code text[]}; then target schema and table (for
     * the truncation guard). Only the newest change of each key is offered to the table (one statement cannot
     * update a row twice); it updates only a row holding an older position and is refused at or below the
     * table's truncation watermark. The statement returns two kinds of rows: (ordinal, key text) for each change
     * offered, its 1-based ordinal in the arrays and its key as PostgreSQL prints it, and (null, key text) for each
     * row it wrote; an offered change whose key comes back written was applied, and every other change of the
     * batch is stale (older than the stored row, or superseded within the batch). The caller pairs them: joining
     * the offered rows to the written ones inside the statement would join two CTEs, whose sizes the planner does
     * not know (it assumes a handful of rows), and the nested loop it then picks costs the square of the batch.
     * (A key written in another form that compares equal, such as an unconstrained {@code numeric} 1.0 against a
     * stored 1.00, comes back in the stored form and its change counts as stale; the stored row is right either
     * way.)
     */
    public String upsertCurrentRows(TableShape shape) {
        List<String> cols = new ArrayList<>(shape.columns().keySet());
        List<String> keys = shape.keyColumns();
        String meta = "\"_cdc_position\", \"_cdc_deleted\", \"_cdc_op\", \"_cdc_source_ts\"";
        List<String> updates = new ArrayList<>();
        for (String c : cols) {
            if (!keys.contains(c)) {
                updates.add(quote(c) + " = EXCLUDED." + quote(c));
            }
        }
        for (String m : List.of("_cdc_position", "_cdc_deleted", "_cdc_op", "_cdc_source_ts", "_cdc_applied_at")) {
            updates.add(quote(m) + " = EXCLUDED." + quote(m));
        }
        return "WITH b AS (SELECT u.\"_cdc_n\", " + typedColumns(shape)
                + ", u.\"_cdc_position\" COLLATE \"C\" AS \"_cdc_position\", u.\"_cdc_deleted\", u.\"_cdc_op\","
                + " CAST(u.\"_cdc_source_ts\" AS timestamptz) AS \"_cdc_source_ts\""
                + " FROM unnest(" + arrayParameters(cols.size()) + ", CAST(? AS text[]), CAST(? AS boolean[]),"
                + " CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS u(" + list(cols, Identifiers::quote)
                + ", " + meta + ", \"_cdc_n\")),"
                + " l AS (SELECT DISTINCT ON (" + list(keys, Identifiers::quote) + ") * FROM b ORDER BY "
                + list(keys, Identifiers::quote) + ", \"_cdc_position\" DESC, \"_cdc_n\"),"
                + " up AS (INSERT INTO " + shape.names().currentSql() + " AS t (" + list(cols, Identifiers::quote)
                + ", " + meta + ", \"_cdc_applied_at\") SELECT " + list(cols, c -> "l." + quote(c))
                + ", l.\"_cdc_position\", l.\"_cdc_deleted\", l.\"_cdc_op\", l.\"_cdc_source_ts\", now() FROM l"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + truncations + " w WHERE w.target_schema = ?"
                + " AND w.target_table = ? AND w.position >= l.\"_cdc_position\")"
                + " ON CONFLICT (" + list(keys, Identifiers::quote) + ") DO UPDATE SET " + String.join(", ", updates)
                + " WHERE t.\"_cdc_position\" < EXCLUDED.\"_cdc_position\""
                + " RETURNING " + list(keys, c -> "t." + quote(c)) + ")"
                + " SELECT l.\"_cdc_n\", " + keyText(keys, "l") + " FROM l"
                + " UNION ALL SELECT NULL, " + keyText(keys, "up") + " FROM up";
    }

    /**
     * Adds every version of a batch of one table to the history table in one statement, with the semantics of
     * {@link #insertHistory}: idempotent on (key, position), and each version's {@code _cdc_valid_to} the
     * {@code _cdc_valid_from} of the next version of its key (or the time of the newest truncate, when that lies
     * between them). A data-modifying CTE's rows are invisible to the rest of its statement, so the neighbours are
     * worked out explicitly, for each new version of the batch: the batch's new versions of its key just before and
     * just after it ({@code lag}/{@code lead}) and the stored versions just before and just after it (an index
     * lookup each). Its successor is the nearer of the two next ones; the stored version just before it is closed
     * by it when no new version lies between them (and no truncate does). Every step reads the batch once or looks
     * one key up by index: no step joins two CTEs, whose sizes the planner does not know, so the cost grows with
     * the batch, not with its square.
     * Parameters: one {@code text[]} per source column, then positions {@code text[]}, ops {@code text[]}, deleted
     * {@code boolean[]}, source times {@code text[]}, valid from {@code text[]}; then target schema and table.
     */
    public String insertHistoryRows(TableShape shape) {
        List<String> cols = new ArrayList<>(shape.columns().keySet());
        List<String> keys = shape.keyColumns();
        String h = shape.names().historySql();
        String k = list(keys, Identifiers::quote);
        String meta = "\"_cdc_position\", \"_cdc_op\", \"_cdc_deleted\", \"_cdc_source_ts\", \"_cdc_valid_from\"";
        String pos = "\"_cdc_position\"";
        String stored = " FROM " + h + " x WHERE " + keyMatch(shape, "x", "nw") + " AND x." + pos;
        // The successor: the batch's next new version unless a stored one comes first.
        String storedFirst = "nb.\"_cdc_next_new\" IS NULL OR nb.\"_cdc_next_stored\" < nb.\"_cdc_next_new\"";
        return "WITH b AS (SELECT " + typedColumns(shape) + ", u." + pos + " COLLATE \"C\" AS " + pos
                + ", u.\"_cdc_op\", u.\"_cdc_deleted\", CAST(u.\"_cdc_source_ts\" AS timestamptz) AS \"_cdc_source_ts\","
                + " CAST(u.\"_cdc_valid_from\" AS timestamptz) AS \"_cdc_valid_from\""
                + " FROM unnest(" + arrayParameters(cols.size()) + ", CAST(? AS text[]), CAST(? AS text[]),"
                + " CAST(? AS boolean[]), CAST(? AS text[]), CAST(? AS text[])) AS u(" + list(cols, Identifiers::quote)
                + ", " + meta + ")),"
                + " v AS (SELECT DISTINCT ON (" + k + ", " + pos + ") * FROM b ORDER BY " + k + ", " + pos + "),"
                + " nw AS (SELECT v.* FROM v WHERE NOT EXISTS (SELECT 1 FROM " + h + " x WHERE "
                + keyMatch(shape, "x", "v") + " AND x." + pos + " = v." + pos + ")),"
                + " nb AS (SELECT nw.*, lag(nw." + pos + ") OVER w AS \"_cdc_prev_new\","
                + " lead(nw." + pos + ") OVER w AS \"_cdc_next_new\","
                + " lead(nw.\"_cdc_valid_from\") OVER w AS \"_cdc_next_new_from\","
                + " sp.p AS \"_cdc_prev_stored\", sn.p AS \"_cdc_next_stored\", sn.f AS \"_cdc_next_stored_from\" FROM nw"
                + " LEFT JOIN LATERAL (SELECT x." + pos + stored + " < nw." + pos + " ORDER BY x." + pos
                + " DESC LIMIT 1) sp(p) ON true"
                + " LEFT JOIN LATERAL (SELECT x." + pos + ", x.\"_cdc_valid_from\"" + stored + " > nw." + pos
                + " ORDER BY x." + pos + " LIMIT 1) sn(p, f) ON true"
                + " WINDOW w AS (PARTITION BY " + list(keys, c -> "nw." + quote(c)) + " ORDER BY nw." + pos + ")),"
                + " nx AS (SELECT nb.*, CASE WHEN " + storedFirst + " THEN nb.\"_cdc_next_stored\""
                + " ELSE nb.\"_cdc_next_new\" END AS \"_cdc_next_position\","
                + " CASE WHEN " + storedFirst + " THEN nb.\"_cdc_next_stored_from\""
                + " ELSE nb.\"_cdc_next_new_from\" END AS \"_cdc_next_from\" FROM nb),"
                + " wm AS (SELECT w.position, w.source_ts FROM " + truncations + " w"
                + " WHERE w.target_schema = ? AND w.target_table = ?),"
                + " ins AS (INSERT INTO " + h + " (" + list(cols, Identifiers::quote) + ", " + meta
                + ", \"_cdc_valid_to\") SELECT " + list(cols, c -> "nx." + quote(c)) + ", nx." + pos + ", nx.\"_cdc_op\","
                + " nx.\"_cdc_deleted\", nx.\"_cdc_source_ts\", nx.\"_cdc_valid_from\","
                + " CASE WHEN wm.position > nx." + pos + " AND (nx.\"_cdc_next_position\" IS NULL"
                + " OR wm.position < nx.\"_cdc_next_position\") THEN wm.source_ts ELSE nx.\"_cdc_next_from\" END"
                + " FROM nx LEFT JOIN wm ON true ORDER BY " + list(keys, c -> "nx." + quote(c)) + ", nx." + pos
                + " ON CONFLICT (" + k + ", " + pos + ") DO NOTHING)"
                // Closes the stored version before the first new version after it. (A concurrent writer that
                // inserted that new version first closed it the same way.)
                + " UPDATE " + h + " AS p SET \"_cdc_valid_to\" = nx.\"_cdc_valid_from\" FROM nx"
                + " WHERE nx.\"_cdc_prev_stored\" IS NOT NULL"
                + " AND (nx.\"_cdc_prev_new\" IS NULL OR nx.\"_cdc_prev_new\" < nx.\"_cdc_prev_stored\")"
                + " AND " + keyMatch(shape, "p", "nx") + " AND p." + pos + " = nx.\"_cdc_prev_stored\""
                + " AND NOT EXISTS (SELECT 1 FROM wm WHERE wm.position > p." + pos + " AND wm.position < nx." + pos + ")";
    }

    /** Blocks concurrent writers of the table pair while a truncate applies (they wait for its commit). */
    public String lockForTruncate(TableNames names) {
        return "LOCK TABLE " + names.currentSql() + ", " + names.historySql() + " IN SHARE ROW EXCLUSIVE MODE";
    }

    /** Raises the table's truncation watermark; parameters schema, table, position, time; count 0 when older. */
    public String raiseTruncation() {
        return "INSERT INTO " + truncations + " AS w (target_schema, target_table, position, source_ts)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (target_schema, target_table) DO UPDATE"
                + " SET position = EXCLUDED.position, source_ts = EXCLUDED.source_ts WHERE w.position < EXCLUDED.position";
    }

    /** Closes, per key, the last version before the truncate; parameters: time, position, position. */
    public String closeHistoryAtTruncate(TableShape shape) {
        String h = shape.names().historySql();
        return "UPDATE " + h + " AS p SET \"_cdc_valid_to\" = CAST(? AS timestamptz) WHERE p.\"_cdc_position\" < ?"
                + " AND NOT EXISTS (SELECT 1 FROM " + h + " n WHERE " + keyMatch(shape, "n", "p")
                + " AND n.\"_cdc_position\" > p.\"_cdc_position\" AND n.\"_cdc_position\" < ?)";
    }

    /**
     * Converts the position columns of a table written by an earlier release ({@code bigint}) to sort keys of
     * generation 0, in place; {@code column} is {@code _cdc_position} or the truncations' {@code position}.
     */
    public String migratePositions(String qualifiedTable, String column) {
        return "ALTER TABLE " + qualifiedTable + " ALTER COLUMN " + quote(column) + " TYPE " + POSITION_TYPE
                + " USING '0000000000.' || lpad(" + quote(column) + "::text, 19, '0') || '.0000000000000000000'";
    }

    /** Removes every row older than the truncate; the watermark stands in for their tombstones. Parameter: position. */
    public String deleteAtTruncate(TableNames names) {
        return "DELETE FROM " + names.currentSql() + " WHERE \"_cdc_position\" < ?";
    }

    private static String columnDefinitions(List<String> keys, Map<String, String> columns) {
        return columns.entrySet().stream()
                .map(e -> quote(e.getKey()) + " " + e.getValue() + (keys.contains(e.getKey()) ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
    }

    /** {@code CAST(u."c" AS <type>) AS "c"} for every source column of the shape, in order. */
    private static String typedColumns(TableShape shape) {
        return shape.columns().entrySet().stream()
                .map(e -> "CAST(u." + quote(e.getKey()) + " AS " + e.getValue() + ") AS " + quote(e.getKey()))
                .collect(Collectors.joining(", "));
    }

    /** {@code n} parameters {@code CAST(? AS text[])}, one per source column. */
    private static String arrayParameters(int n) {
        return java.util.stream.Stream.generate(() -> "CAST(? AS text[])").limit(n).collect(Collectors.joining(", "));
    }

    /** The key columns of {@code alias} as one text value, {@code CAST(ROW(alias."k1", ...) AS text)}. */
    private static String keyText(List<String> keys, String alias) {
        return "CAST(ROW(" + list(keys, c -> alias + "." + quote(c)) + ") AS text)";
    }

    private static String keyMatch(TableShape shape, String left, String right) {
        return shape.keyColumns().stream()
                .map(k -> left + "." + quote(k) + " = " + right + "." + quote(k))
                .collect(Collectors.joining(" AND "));
    }

    private static String list(List<String> names, Function<String, String> render) {
        return names.stream().map(render).collect(Collectors.joining(", "));
    }
}
