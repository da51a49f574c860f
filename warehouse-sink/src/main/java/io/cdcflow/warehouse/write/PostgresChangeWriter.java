package io.cdcflow.warehouse.write;

import io.agroal.api.AgroalDataSource;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.sink.ChangeWriter;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.WriteResult;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.schema.RowTypes;
import io.cdcflow.warehouse.sql.InvalidIdentifierException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Applies batches to the PostgreSQL warehouse (the Quarkus datasource, database {@code warehouse}).
 *
 * <p>Lifecycle: one application-scoped instance, called by the shared consumer with one batch at a time; it holds no
 * connection between batches. For each batch it (1) makes sure every table pair exists with every column the
 * changes bring ({@link WarehouseTables}, in its own DDL transaction), (2) converts the rows with the column
 * types of their registered schemas ({@link RowPlanner}), (3) in one transaction, per table: applies truncates, then
 * two statements whatever the number of rows, each binding one array per column (values in PostgreSQL's text form,
 * {@link PgText}, cast to the column's type in SQL): the guarded upsert of the newest change of each key into the
 * current-state table, which returns the changes it applied (every other one is stale, older than the stored row or
 * at or below a truncate, or superseded by a newer change of its key in the batch), and the insert of every
 * version into the history table, and (4) commits, and only then returns, so the consumer commits Kafka offsets
 * after the warehouse has the data. When a statement fails because of a record's values, the transaction is rolled
 * back and replayed change by change under savepoints with the per-row statements, and only the offending records
 * become dead letters; any other failure (the warehouse unreachable or failing) leaves the whole batch to retry,
 * since nothing of it was committed.
 */
@ApplicationScoped
public class PostgresChangeWriter implements ChangeWriter {

    private final AgroalDataSource dataSource;
    private final WarehouseTables tables;
    private final WarehouseSql sql;
    private final RowPlanner planner;
    private final IntFunction<Optional<RowTypes>> schemas;
    private final Map<Integer, Optional<RowTypes>> typesBySchema = new ConcurrentHashMap<>();
    private final String schemaPrefix;
    private final String historySuffix;

    @Inject
    PostgresChangeWriter(AgroalDataSource dataSource, WarehouseTables tables, SchemaRegistryClient registry,
                         WarehouseSinkConfig config) {
        this(dataSource, tables, id -> registry.rowSchema(id).map(RowTypes::of), config);
    }

    /** A writer that looks the column types of a schema id up with {@code schemas} (the registry, or a test's). */
    PostgresChangeWriter(AgroalDataSource dataSource, WarehouseTables tables, IntFunction<Optional<RowTypes>> schemas,
                         WarehouseSinkConfig config) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.sql = tables.sql();
        this.planner = new RowPlanner();
        this.schemas = schemas;
        this.schemaPrefix = config.schemaPrefix().orElse("");
        this.historySuffix = config.historySuffix();
    }

    @Override
    public String store() {
        return "the warehouse";
    }

    @Override
    public WriteResult write(List<SinkChange> changes) {
        List<DeadLetter> dead = new ArrayList<>();
        Map<TableRef, List<SinkChange>> byTable = new LinkedHashMap<>();
        for (SinkChange change : changes) {
            byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
        }
        WriteResult.Builder result = new WriteResult.Builder();
        try (Connection c = dataSource.getConnection()) {
            List<TablePlan> plans = new ArrayList<>();
            for (Map.Entry<TableRef, List<SinkChange>> e : byTable.entrySet()) {
                plan(c, e.getKey(), e.getValue(), dead).ifPresent(plans::add);
            }
            Applied applied = applyInOneTransaction(c, plans, dead);
            applied.applied.forEach(result::applied);
            applied.stale.forEach(result::stale);
            applied.superseded.forEach(result::superseded);
            dead.forEach(result::deadLetter);
            return result.build();
        } catch (SQLException e) {
            if (SqlErrors.catalogChanged(e)) {
                tables.forget();
            }
            return result.retry(changes, "warehouse unavailable (" + SqlErrors.state(e) + "): "
                    + SqlErrors.message(e)).build();
        }
    }

    /** The column types of a change's registered schema; empty without a schema id or when the registry lacks it. */
    private Optional<RowTypes> typesOf(SinkChange change) {
        if (change.schemaId().isEmpty()) {
            return Optional.empty();
        }
        return typesBySchema.computeIfAbsent(change.schemaId().getAsInt(), schemas::apply);
    }

    /** Creates or evolves the table pair and converts the rows; changes that cannot be planned become dead letters. */
    private Optional<TablePlan> plan(Connection c, TableRef table, List<SinkChange> changes, List<DeadLetter> dead)
            throws SQLException {
        TableNames names;
        try {
            names = TableNames.of(table, schemaPrefix, historySuffix);
        } catch (InvalidIdentifierException e) {
            changes.forEach(ch -> dead.add(new DeadLetter(ch.origin(), InvalidIdentifierException.REASON, e.getMessage())));
            return Optional.empty();
        }
        List<RowChange> rows = new ArrayList<>();
        List<SinkChange> truncates = new ArrayList<>();
        for (SinkChange ch : changes) {
            if (ch.event().op() == Op.TRUNCATE) {
                truncates.add(ch);
            } else {
                rows.add(new RowChange(ch, typesOf(ch)));
            }
        }
        rows.sort(Comparator.comparing(r -> r.change().position()));
        truncates.sort(Comparator.comparing(SinkChange::position));
        RowPlanner.Columns columns = planner.columns(rows, dead);
        TableShape shape;
        if (!columns.rows().isEmpty()) {
            shape = tables.ensure(c, names, columns.keys(), columns.wanted());
        } else {
            shape = tables.find(c, names).orElse(null);
        }
        List<BoundRow> bound = shape == null ? List.of() : planner.bind(shape, columns.rows(), dead);
        return Optional.of(new TablePlan(table, names, shape, truncates, bound));
    }

    private Applied applyInOneTransaction(Connection c, List<TablePlan> plans, List<DeadLetter> dead)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            Applied applied = new Applied();
            for (TablePlan p : plans) {
                applyBatched(c, p, applied);
            }
            c.commit();
            return applied;
        } catch (SQLException e) {
            c.rollback();
            if (!SqlErrors.causedByRecord(e)) {
                throw e;
            }
        }
        // A record's values broke the batch: replay one change at a time and set aside the ones PostgreSQL refuses.
        try {
            Applied applied = new Applied();
            for (TablePlan p : plans) {
                applyIsolated(c, p, applied, dead);
            }
            c.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /**
     * Applies a table's truncates, then its rows with two statements whatever their number: the guarded upsert of
     * the newest change per key ({@link WarehouseSql#upsertCurrentRows}), which says which changes it applied,
     * and the history insert of every version ({@link WarehouseSql#insertHistoryRows}).
     */
    private void applyBatched(Connection c, TablePlan p, Applied applied) throws SQLException {
        for (SinkChange t : p.truncates()) {
            applied.count(t, truncate(c, p, t));
        }
        List<BoundRow> rows = p.rows();
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        int columns = p.shape().columns().size();
        String[][] values = new String[columns][n];
        String[] positions = new String[n];
        Boolean[] deleted = new Boolean[n];
        String[] ops = new String[n];
        String[] sourceTimes = new String[n];
        String[] validFrom = new String[n];
        for (int r = 0; r < n; r++) {
            BoundRow row = rows.get(r);
            for (int col = 0; col < columns; col++) {
                values[col][r] = PgText.of(row.values()[col]);
            }
            positions[r] = row.change().position().sortKey();
            deleted[r] = row.deleted();
            ops[r] = row.change().event().op().code();
            sourceTimes[r] = PgText.of(sourceTime(row.change()));
            validFrom[r] = PgText.of(validFrom(row.change()));
        }
        BitSet done = new BitSet(n);
        try (PreparedStatement upsert = c.prepareStatement(sql.upsertCurrentRows(p.shape()))) {
            int i = bindColumns(c, upsert, values);
            upsert.setArray(i++, c.createArrayOf("text", positions));
            upsert.setArray(i++, c.createArrayOf("boolean", deleted));
            upsert.setArray(i++, c.createArrayOf("text", ops));
            upsert.setArray(i++, c.createArrayOf("text", sourceTimes));
            upsert.setString(i++, p.names().schema());
            upsert.setString(i, p.names().current());
            // Rows (ordinal, key) for the changes offered and (null, key) for the keys written: pair them.
            Map<String, Integer> offered = new HashMap<>();
            Set<String> written = new HashSet<>();
            try (ResultSet rs = upsert.executeQuery()) {
                while (rs.next()) {
                    int ordinal = rs.getInt(1);
                    if (rs.wasNull()) {
                        written.add(rs.getString(2));
                    } else {
                        offered.put(rs.getString(2), ordinal);
                    }
                }
            }
            offered.forEach((key, ordinal) -> {
                if (written.contains(key)) {
                    done.set(ordinal - 1);
                }
            });
        }
        try (PreparedStatement history = c.prepareStatement(sql.insertHistoryRows(p.shape()))) {
            int i = bindColumns(c, history, values);
            history.setArray(i++, c.createArrayOf("text", positions));
            history.setArray(i++, c.createArrayOf("text", ops));
            history.setArray(i++, c.createArrayOf("boolean", deleted));
            history.setArray(i++, c.createArrayOf("text", sourceTimes));
            history.setArray(i++, c.createArrayOf("text", validFrom));
            history.setString(i++, p.names().schema());
            history.setString(i, p.names().current());
            history.executeUpdate();
        }
        // Not applied: superseded when a newer change of its row in this batch was offered instead, else stale.
        Set<SinkChange> superseded = Collections.newSetFromMap(new IdentityHashMap<>());
        superseded.addAll(io.cdcflow.sink.ChangeBatches.latestPerRow(rows.stream().map(BoundRow::change).toList())
                .superseded());
        for (int r = 0; r < n; r++) {
            SinkChange change = rows.get(r).change();
            if (!done.get(r) && superseded.contains(change)) {
                applied.superseded.add(change);
            } else {
                applied.count(change, done.get(r));
            }
        }
    }

    /** Binds one {@code text[]} per source column from parameter 1; returns the next parameter's index. */
    private static int bindColumns(Connection c, PreparedStatement ps, String[][] values) throws SQLException {
        int i = 1;
        for (String[] column : values) {
            ps.setArray(i++, c.createArrayOf("text", column));
        }
        return i;
    }

    private void applyIsolated(Connection c, TablePlan p, Applied applied, List<DeadLetter> dead) throws SQLException {
        for (SinkChange t : p.truncates()) {
            applied.count(t, truncate(c, p, t));
        }
        if (p.rows().isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement(sql.upsertCurrent(p.shape()));
             PreparedStatement history = c.prepareStatement(sql.insertHistory(p.shape()))) {
            for (BoundRow row : p.rows()) {
                Savepoint sp = c.setSavepoint();
                try {
                    bindUpsert(upsert, p.names(), row);
                    boolean done = upsert.executeUpdate() > 0;
                    bindHistory(history, p.names(), row);
                    history.executeUpdate();
                    c.releaseSavepoint(sp);
                    applied.count(row.change(), done);
                } catch (SQLException e) {
                    if (!SqlErrors.causedByRecord(e)) {
                        throw e;
                    }
                    c.rollback(sp);
                    dead.add(new DeadLetter(row.change().origin(),
                            MalformedEventException.Reason.REJECTED_BY_STORE.tag(),
                            "PostgreSQL refused the change (" + SqlErrors.state(e) + "): " + SqlErrors.message(e)));
                }
            }
        }
    }

    /** Raises the table's truncation watermark and, when it moved, ends every older row; true when it moved. */
    private boolean truncate(Connection c, TablePlan p, SinkChange t) throws SQLException {
        String position = t.position().sortKey();
        OffsetDateTime at = validFrom(t);
        if (p.shape() != null) {
            try (PreparedStatement lock = c.prepareStatement(sql.lockForTruncate(p.names()))) {
                lock.execute();
            }
        }
        try (PreparedStatement raise = c.prepareStatement(sql.raiseTruncation())) {
            raise.setString(1, p.names().schema());
            raise.setString(2, p.names().current());
            raise.setString(3, position);
            raise.setObject(4, at);
            if (raise.executeUpdate() == 0) {
                return false;
            }
        }
        if (p.shape() != null) {
            try (PreparedStatement close = c.prepareStatement(sql.closeHistoryAtTruncate(p.shape()));
                 PreparedStatement delete = c.prepareStatement(sql.deleteAtTruncate(p.names()))) {
                close.setObject(1, at);
                close.setString(2, position);
                close.setString(3, position);
                close.executeUpdate();
                delete.setString(1, position);
                delete.executeUpdate();
            }
        }
        return true;
    }

    private static void bindUpsert(PreparedStatement ps, TableNames names, BoundRow row) throws SQLException {
        int i = bindValues(ps, row.values());
        ps.setString(i++, row.change().position().sortKey());
        ps.setBoolean(i++, row.deleted());
        ps.setString(i++, row.change().event().op().code());
        setTime(ps, i++, sourceTime(row.change()));
        ps.setString(i++, names.schema());
        ps.setString(i++, names.current());
        ps.setString(i, row.change().position().sortKey());
    }

    private static void bindHistory(PreparedStatement ps, TableNames names, BoundRow row) throws SQLException {
        int i = bindValues(ps, row.values());
        ps.setString(i++, row.change().position().sortKey());
        ps.setString(i++, row.change().event().op().code());
        ps.setBoolean(i++, row.deleted());
        setTime(ps, i++, sourceTime(row.change()));
        setTime(ps, i++, validFrom(row.change()));
        ps.setString(i++, names.schema());
        ps.setString(i++, names.current());
        ps.setString(i++, names.schema());
        ps.setString(i, names.current());
    }

    private static int bindValues(PreparedStatement ps, Object[] values) throws SQLException {
        int i = 1;
        for (Object v : values) {
            if (v == null) {
                ps.setNull(i++, Types.NULL);
            } else {
                ps.setObject(i++, v);
            }
        }
        return i;
    }

    private static void setTime(PreparedStatement ps, int index, OffsetDateTime t) throws SQLException {
        if (t == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, t);
        }
    }

    /** The source commit time, or null when the source did not say. */
    private static OffsetDateTime sourceTime(SinkChange change) {
        long ts = change.event().source().tsMs();
        return ts > 0 ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(ts), ZoneOffset.UTC) : null;
    }

    /** When a version starts: the source commit time, else when the connector saw it. */
    private static OffsetDateTime validFrom(SinkChange change) {
        long ts = change.event().source().tsMs() > 0 ? change.event().source().tsMs() : change.event().tsMs();
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(Math.max(0, ts)), ZoneOffset.UTC);
    }

    /** What one batch does to one table pair. {@code shape} is null for a truncate of a table never created. */
    private record TablePlan(TableRef table, TableNames names, TableShape shape, List<SinkChange> truncates,
                             List<BoundRow> rows) {
    }

    /** The changes applied and those found stale, filled as statements run. */
    private static final class Applied {
        private final List<SinkChange> applied = new ArrayList<>();
        private final List<SinkChange> stale = new ArrayList<>();
        private final List<SinkChange> superseded = new ArrayList<>();

        void count(SinkChange change, boolean done) {
            (done ? applied : stale).add(change);
        }
    }
}
