package io.cdcflow.warehouse.write;

import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.ColumnVersions;
import io.cdcflow.warehouse.schema.ColumnWidening;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates and evolves the warehouse tables, and remembers their shape. A table pair is created on first sight
 * ({@code CREATE TABLE IF NOT EXISTS}); a column that a later schema or event brings is added to both tables
 * ({@code ADD COLUMN IF NOT EXISTS}) while the sink runs, a column whose source type grew is widened in place
 * ({@link ColumnWidening}), and one whose type changed in a way no column can follow in place gets a new version,
 * {@code <column>__<type>}, recorded in {@code <meta-schema>.column_versions} ({@link ColumnVersions}). Columns are
 * never dropped or narrowed: a column the source dropped or renamed stays, and rows written since hold NULL there. DDL runs in its own
 * short transaction, before the batch's data transaction, under one advisory lock so that several sink instances
 * do not race on the same catalog entries. Shapes are cached until {@link #forget()} (a table dropped behind the
 * sink's back).
 */
@ApplicationScoped
public class WarehouseTables {

    private static final Logger LOG = Logger.getLogger(WarehouseTables.class);
    private static final String DDL_LOCK = "cdcflow-warehouse-sink-ddl";

    private final WarehouseSql sql;
    private final String metaSchema;
    private final Map<TableNames, TableShape> shapes = new ConcurrentHashMap<>();
    private volatile boolean metaReady;

    WarehouseTables(WarehouseSinkConfig config) {
        this.sql = new WarehouseSql(config.metaSchema());
        this.metaSchema = config.metaSchema();
    }

    public WarehouseSql sql() {
        return sql;
    }

    /**
     * The shape of the table pair, created or given the missing columns first when needed.
     *
     * @param keys   the key columns, in key order (used when the tables are created)
     * @param wanted the columns the changes at hand have, key columns included, with the types their values come in
     */
    public TableShape ensure(Connection c, TableNames names, List<String> keys, Map<String, List<ColumnType>> wanted)
            throws SQLException {
        TableShape known = shapes.get(names);
        if (known != null && metaReady && satisfied(known, wanted)) {
            return known;
        }
        TableShape shape = inDdlTransaction(c, () -> {
            ensureMeta(c);
            execute(c, sql.createSchema(names));
            Map<String, String> current = readColumns(c, names.currentSql());
            if (current.isEmpty()) {
                Map<String, String> typed = new LinkedHashMap<>();
                wanted.forEach((name, types) -> typed.put(name, types.getFirst().sqlType()));
                execute(c, sql.createCurrent(names, keys, typed));
                execute(c, sql.createHistory(names, keys, typed));
                LOG.infof("created %s and %s", names.currentSql(), names.historySql());
                current = readColumns(c, names.currentSql());
            } else {
                migrateLegacyPositions(c, names.currentSql(), current);
                migrateLegacyPositions(c, names.historySql(), readColumns(c, names.historySql()));
            }
            Map<String, List<String>> versions = readVersions(c, names);
            List<String> key = readKey(c, names.currentSql());
            List<String> added = new ArrayList<>();
            List<String> widened = new ArrayList<>();
            List<String> versioned = new ArrayList<>();
            for (Map.Entry<String, List<ColumnType>> col : wanted.entrySet()) {
                for (ColumnType type : col.getValue()) {
                    String name = col.getKey();
                    String wantedType = type.sqlType();
                    if (!current.containsKey(name)) {
                        execute(c, sql.addColumn(names.currentSql(), name, wantedType));
                        current.put(name, wantedType);
                        added.add(name + " " + wantedType);
                        continue;
                    }
                    TableShape now = new TableShape(names, key, current, versions);
                    if (now.columnFor(name, wantedType).isPresent()) {
                        continue;
                    }
                    String newest = now.versionsOf(name).getLast();
                    Optional<String> to = ColumnWidening.widened(current.get(newest), wantedType);
                    if (to.isPresent()) {
                        execute(c, sql.alterColumnType(names.currentSql(), newest, to.get()));
                        widened.add(newest + " " + current.get(newest) + "->" + to.get());
                        current.put(newest, to.get());
                    } else if (!key.contains(name)) {
                        // A lossy change: a new column takes the values of the new type, the old one keeps its own.
                        String version = ColumnVersions.versionedName(name, wantedType);
                        execute(c, sql.addColumn(names.currentSql(), version, wantedType));
                        current.put(version, wantedType);
                        recordVersion(c, names, name, version, wantedType);
                        versions.computeIfAbsent(name, n -> new ArrayList<>(List.of(n))).add(version);
                        versioned.add(name + " " + current.get(name) + "->" + version + " " + wantedType);
                    }
                }
            }
            followInHistory(c, names, key, current);
            if (!added.isEmpty()) {
                LOG.infof("added column(s) %s to %s and %s", added, names.currentSql(), names.historySql());
            }
            if (!widened.isEmpty()) {
                LOG.infof("widened column(s) %s of %s and %s", widened, names.currentSql(), names.historySql());
            }
            if (!versioned.isEmpty()) {
                LOG.warnf("type change(s) no column can follow in place on %s and %s: %s; the new columns take the "
                        + "values of the new types, the old ones keep theirs (recorded in %s.column_versions)",
                        names.currentSql(), names.historySql(), versioned, metaSchema);
            }
            return new TableShape(names, key, sourceColumns(readColumns(c, names.currentSql())), versions);
        });
        shapes.put(names, shape);
        return shape;
    }

    /** True when every wanted column exists in a version whose type holds the values as they come. */
    private static boolean satisfied(TableShape known, Map<String, List<ColumnType>> wanted) {
        for (Map.Entry<String, List<ColumnType>> w : wanted.entrySet()) {
            for (ColumnType type : w.getValue()) {
                if (!known.columns().containsKey(w.getKey()) || known.columnFor(w.getKey(), type.sqlType()).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Gives the history table every column of the current one, widened like it (the SCD-2 history follows). */
    private void followInHistory(Connection c, TableNames names, List<String> key, Map<String, String> current)
            throws SQLException {
        Map<String, String> columns = sourceColumns(current);
        execute(c, sql.createHistory(names, key, columns));
        Map<String, String> history = readColumns(c, names.historySql());
        for (Map.Entry<String, String> col : columns.entrySet()) {
            String had = history.get(col.getKey());
            if (had == null) {
                execute(c, sql.addColumn(names.historySql(), col.getKey(), col.getValue()));
            } else {
                Optional<String> to = ColumnWidening.widened(had, col.getValue());
                if (to.isPresent()) {
                    execute(c, sql.alterColumnType(names.historySql(), col.getKey(), to.get()));
                }
            }
        }
    }

    private void recordVersion(Connection c, TableNames names, String source, String version, String type)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.recordColumnVersion())) {
            ps.setString(1, names.schema());
            ps.setString(2, names.current());
            ps.setString(3, source);
            ps.setString(4, version);
            ps.setString(5, type);
            ps.executeUpdate();
        }
    }

    /** Per source column with versions, its warehouse columns: the column of its name, then its versions, oldest first. */
    private Map<String, List<String>> readVersions(Connection c, TableNames names) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.readColumnVersions())) {
            ps.setString(1, names.schema());
            ps.setString(2, names.current());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), n -> new ArrayList<>(List.of(n))).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The shape of an existing table pair, or empty when the current table does not exist. */
    public Optional<TableShape> find(Connection c, TableNames names) throws SQLException {
        TableShape known = shapes.get(names);
        if (known != null && metaReady) {
            return Optional.of(known);
        }
        return Optional.ofNullable(inDdlTransaction(c, () -> {
            ensureMeta(c);
            Map<String, String> current = readColumns(c, names.currentSql());
            if (current.isEmpty()) {
                return null;
            }
            migrateLegacyPositions(c, names.currentSql(), current);
            migrateLegacyPositions(c, names.historySql(), readColumns(c, names.historySql()));
            TableShape shape = new TableShape(names, readKey(c, names.currentSql()), sourceColumns(current),
                    readVersions(c, names));
            shapes.put(names, shape);
            return shape;
        }));
    }

    /** Drops every cached shape; the next batch reads the catalog again. */
    public void forget() {
        shapes.clear();
        metaReady = false;
    }

    private void ensureMeta(Connection c) throws SQLException {
        if (!metaReady) {
            for (String ddl : sql.createMeta()) {
                execute(c, ddl);
            }
            if ("bigint".equals(readColumns(c, sql.truncationsTable()).get("position"))) {
                execute(c, sql.migratePositions(sql.truncationsTable(), "position"));
                LOG.infof("converted the truncation positions of %s to position sort keys", sql.truncationsTable());
            }
        }
    }

    /** Converts a table of an earlier release, whose positions were one number, to position sort keys. */
    private void migrateLegacyPositions(Connection c, String qualified, Map<String, String> columns)
            throws SQLException {
        if ("bigint".equals(columns.get("_cdc_position"))) {
            execute(c, sql.migratePositions(qualified, "_cdc_position"));
            LOG.infof("converted the positions of %s to position sort keys (generation 0)", qualified);
        }
    }

    private <T> T inDdlTransaction(Connection c, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement(sql.ddlLock())) {
                lock.setString(1, DDL_LOCK);
                lock.execute();
            }
            T result = work.run();
            c.commit();
            metaReady = true;
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    private static Map<String, String> sourceColumns(Map<String, String> all) {
        Map<String, String> out = new LinkedHashMap<>();
        all.forEach((name, type) -> {
            if (!name.startsWith(WarehouseSql.META_PREFIX)) {
                out.put(name, type);
            }
        });
        return out;
    }

    private Map<String, String> readColumns(Connection c, String qualified) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.readColumns())) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    private List<String> readKey(Connection c, String qualified) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.readKey())) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return key;
    }

    private static void execute(Connection c, String ddl) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(ddl);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }
}
