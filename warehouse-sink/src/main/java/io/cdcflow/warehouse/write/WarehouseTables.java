package io.cdcflow.warehouse.write;

import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.schema.ColumnType;
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
 * ({@code ADD COLUMN IF NOT EXISTS}) while the sink runs, and a column whose source type grew is widened in place
 * ({@link ColumnWidening}). Columns are never dropped or narrowed: a column the source dropped or renamed stays,
 * and rows written since hold NULL there. DDL runs in its own
 * short transaction, before the batch's data transaction, under one advisory lock so that several sink instances
 * do not race on the same catalog entries. Shapes are cached until {@link #forget()} (a table dropped behind the
 * sink's back).
 */
@ApplicationScoped
public class WarehouseTables {

    private static final Logger LOG = Logger.getLogger(WarehouseTables.class);
    private static final String DDL_LOCK = "cdcflow-warehouse-sink-ddl";

    private final WarehouseSql sql;
    private final Map<TableNames, TableShape> shapes = new ConcurrentHashMap<>();
    private volatile boolean metaReady;

    WarehouseTables(WarehouseSinkConfig config) {
        this.sql = new WarehouseSql(config.metaSchema());
    }

    public WarehouseSql sql() {
        return sql;
    }

    /**
     * The shape of the table pair, created or given the missing columns first when needed.
     *
     * @param keys   the key columns, in key order (used when the tables are created)
     * @param wanted the columns the changes at hand have, key columns included, with the types to create them with
     */
    public TableShape ensure(Connection c, TableNames names, List<String> keys, Map<String, ColumnType> wanted)
            throws SQLException {
        TableShape known = shapes.get(names);
        if (known != null && known.hasColumns(wanted.keySet()) && metaReady && !needsWidening(known.columns(), wanted)) {
            return known;
        }
        TableShape shape = inDdlTransaction(c, () -> {
            ensureMeta(c);
            execute(c, sql.createSchema(names));
            Map<String, String> current = readColumns(c, names.currentSql());
            Map<String, String> typed = new LinkedHashMap<>();
            wanted.forEach((name, type) -> typed.put(name, type.sqlType()));
            if (current.isEmpty()) {
                execute(c, sql.createCurrent(names, keys, typed));
                execute(c, sql.createHistory(names, keys, typed));
                LOG.infof("created %s and %s", names.currentSql(), names.historySql());
            } else {
                migrateLegacyPositions(c, names.currentSql(), current);
                migrateLegacyPositions(c, names.historySql(), readColumns(c, names.historySql()));
                List<String> added = new ArrayList<>();
                for (Map.Entry<String, String> col : typed.entrySet()) {
                    if (!current.containsKey(col.getKey())) {
                        execute(c, sql.addColumn(names.currentSql(), col.getKey(), col.getValue()));
                        added.add(col.getKey() + " " + col.getValue());
                    }
                }
                List<String> widened = widen(c, names.currentSql(), current, typed);
                Map<String, String> nowCurrent = readColumns(c, names.currentSql());
                List<String> key = readKey(c, names.currentSql());
                execute(c, sql.createHistory(names, key, sourceColumns(nowCurrent)));
                Map<String, String> history = readColumns(c, names.historySql());
                for (Map.Entry<String, String> col : sourceColumns(nowCurrent).entrySet()) {
                    if (!history.containsKey(col.getKey())) {
                        execute(c, sql.addColumn(names.historySql(), col.getKey(), col.getValue()));
                    }
                }
                widen(c, names.historySql(), readColumns(c, names.historySql()), typed);
                if (!added.isEmpty()) {
                    LOG.infof("added column(s) %s to %s and %s", added, names.currentSql(), names.historySql());
                }
                if (!widened.isEmpty()) {
                    LOG.infof("widened column(s) %s of %s and %s", widened, names.currentSql(), names.historySql());
                }
            }
            return new TableShape(names, readKey(c, names.currentSql()),
                    sourceColumns(readColumns(c, names.currentSql())));
        });
        shapes.put(names, shape);
        return shape;
    }

    /** True when a column of {@code columns} must grow to hold the values of its wanted type. */
    private static boolean needsWidening(Map<String, String> columns, Map<String, ColumnType> wanted) {
        for (Map.Entry<String, ColumnType> w : wanted.entrySet()) {
            String current = columns.get(w.getKey());
            if (current != null && ColumnWidening.widened(current, w.getValue().sqlType()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Widens in place the columns of {@code table} whose source type grew (int to bigint, a larger numeric, ...):
     * every value the column holds fits the new type, so nothing is lost. Returns them as {@code name old->new}.
     */
    private List<String> widen(Connection c, String table, Map<String, String> columns, Map<String, String> typed)
            throws SQLException {
        List<String> widened = new ArrayList<>();
        for (Map.Entry<String, String> w : typed.entrySet()) {
            String current = columns.get(w.getKey());
            if (current == null) {
                continue;
            }
            Optional<String> to = ColumnWidening.widened(current, w.getValue());
            if (to.isPresent()) {
                execute(c, sql.alterColumnType(table, w.getKey(), to.get()));
                widened.add(w.getKey() + " " + current + "->" + to.get());
            }
        }
        return widened;
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
            TableShape shape = new TableShape(names, readKey(c, names.currentSql()), sourceColumns(current));
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
