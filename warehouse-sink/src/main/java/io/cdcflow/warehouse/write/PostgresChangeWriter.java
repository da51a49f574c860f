package io.cdcflow.warehouse.write;

import io.agroal.api.AgroalDataSource;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.TableRef;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.SinkMetrics;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.write.SinkChange.RowChange;
import io.cdcflow.warehouse.write.SinkChange.TableTruncate;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies batches to the PostgreSQL warehouse (the Quarkus datasource, database {@code warehouse}).
 *
 * <p>Lifecycle: one application-scoped instance, called by the consumer with one batch at a time; it holds no
 * connection between batches. For each batch it (1) makes sure every table pair exists with every column the
 * changes bring ({@link WarehouseTables}, in its own DDL transaction), (2) converts the rows with the column
 * types ({@link RowPlanner}), (3) in one transaction, per table: applies truncates, then the guarded upserts into
 * the current-state table and the history inserts, each as one JDBC batch, and (4) commits, and only then records
 * metrics and returns, so the consumer commits Kafka offsets after the warehouse has the data. When a statement
 * fails because of a record's values, the transaction is rolled back and replayed change by change under
 * savepoints, and only the offending records become dead letters; any other failure is a
 * {@link StoreUnavailableException} and the caller retries the same batch.
 */
@ApplicationScoped
public class PostgresChangeWriter implements ChangeWriter {

    private final AgroalDataSource dataSource;
    private final WarehouseTables tables;
    private final WarehouseSql sql;
    private final RowPlanner planner;
    private final SinkMetrics metrics;
    private final String schemaPrefix;
    private final String historySuffix;

    PostgresChangeWriter(AgroalDataSource dataSource, WarehouseTables tables, SinkMetrics metrics,
                         WarehouseSinkConfig config) {
        this.dataSource = dataSource;
        this.tables = tables;
        this.sql = tables.sql();
        this.planner = new RowPlanner();
        this.metrics = metrics;
        this.schemaPrefix = config.schemaPrefix().orElse("");
        this.historySuffix = config.historySuffix();
    }

    @Override
    public WriteResult write(List<SinkChange> changes) {
        List<DeadLetter> dead = new ArrayList<>();
        Map<TableRef, List<SinkChange>> byTable = new LinkedHashMap<>();
        for (SinkChange change : changes) {
            byTable.computeIfAbsent(change.table(), t -> new ArrayList<>()).add(change);
        }
        try (Connection c = dataSource.getConnection()) {
            List<TablePlan> plans = new ArrayList<>();
            for (Map.Entry<TableRef, List<SinkChange>> e : byTable.entrySet()) {
                plan(c, e.getKey(), e.getValue(), dead).ifPresent(plans::add);
            }
            Applied applied = applyInOneTransaction(c, plans, dead);
            for (TablePlan p : plans) {
                for (SinkChange change : applied.applied(p.table())) {
                    metrics.applied(p.table(), change.event().source().tsMs());
                }
                metrics.skippedStale(p.table(), applied.stale(p.table()));
            }
            return new WriteResult(applied.appliedCount(), applied.staleCount(), dead);
        } catch (SQLException e) {
            if (SqlErrors.catalogChanged(e)) {
                tables.forget();
            }
            throw new StoreUnavailableException("warehouse unavailable (" + SqlErrors.state(e) + "): "
                    + SqlErrors.message(e), e);
        }
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
        List<TableTruncate> truncates = new ArrayList<>();
        for (SinkChange ch : changes) {
            switch (ch) {
                case RowChange r -> rows.add(r);
                case TableTruncate t -> truncates.add(t);
            }
        }
        rows.sort(Comparator.comparing(RowChange::position));
        truncates.sort(Comparator.comparing(TableTruncate::position));
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

    private void applyBatched(Connection c, TablePlan p, Applied applied) throws SQLException {
        for (TableTruncate t : p.truncates()) {
            applied.count(p.table(), t, truncate(c, p, t));
        }
        if (p.rows().isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement(sql.upsertCurrent(p.shape()));
             PreparedStatement history = c.prepareStatement(sql.insertHistory(p.shape()))) {
            for (BoundRow row : p.rows()) {
                bindUpsert(upsert, p.names(), row);
                upsert.addBatch();
                bindHistory(history, p.names(), row);
                history.addBatch();
            }
            int[] counts = upsert.executeBatch();
            history.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                applied.count(p.table(), p.rows().get(i).change(), counts[i] > 0);
            }
        }
    }

    private void applyIsolated(Connection c, TablePlan p, Applied applied, List<DeadLetter> dead) throws SQLException {
        for (TableTruncate t : p.truncates()) {
            applied.count(p.table(), t, truncate(c, p, t));
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
                    applied.count(p.table(), row.change(), done);
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
    private boolean truncate(Connection c, TablePlan p, TableTruncate t) throws SQLException {
        long position = t.position().value();
        OffsetDateTime at = validFrom(t);
        if (p.shape() != null) {
            try (PreparedStatement lock = c.prepareStatement(sql.lockForTruncate(p.names()))) {
                lock.execute();
            }
        }
        try (PreparedStatement raise = c.prepareStatement(sql.raiseTruncation())) {
            raise.setString(1, p.names().schema());
            raise.setString(2, p.names().current());
            raise.setLong(3, position);
            raise.setObject(4, at);
            if (raise.executeUpdate() == 0) {
                return false;
            }
        }
        if (p.shape() != null) {
            try (PreparedStatement close = c.prepareStatement(sql.closeHistoryAtTruncate(p.shape()));
                 PreparedStatement delete = c.prepareStatement(sql.deleteAtTruncate(p.names()))) {
                close.setObject(1, at);
                close.setLong(2, position);
                close.setLong(3, position);
                close.executeUpdate();
                delete.setLong(1, position);
                delete.executeUpdate();
            }
        }
        return true;
    }

    private static void bindUpsert(PreparedStatement ps, TableNames names, BoundRow row) throws SQLException {
        int i = bindValues(ps, row.values());
        ps.setLong(i++, row.change().position().value());
        ps.setBoolean(i++, row.deleted());
        ps.setString(i++, row.change().event().op().code());
        setTime(ps, i++, sourceTime(row.change()));
        ps.setString(i++, names.schema());
        ps.setString(i++, names.current());
        ps.setLong(i, row.change().position().value());
    }

    private static void bindHistory(PreparedStatement ps, TableNames names, BoundRow row) throws SQLException {
        int i = bindValues(ps, row.values());
        ps.setLong(i++, row.change().position().value());
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
    private record TablePlan(TableRef table, TableNames names, TableShape shape, List<TableTruncate> truncates,
                             List<BoundRow> rows) {
    }

    /** Per table, the changes applied and how many were stale, filled as statements run. */
    private static final class Applied {
        private final Map<TableRef, List<SinkChange>> applied = new LinkedHashMap<>();
        private final Map<TableRef, Integer> stale = new LinkedHashMap<>();

        void count(TableRef table, SinkChange change, boolean done) {
            if (done) {
                applied.computeIfAbsent(table, t -> new ArrayList<>()).add(change);
            } else {
                stale.merge(table, 1, Integer::sum);
            }
        }

        List<SinkChange> applied(TableRef table) {
            return applied.getOrDefault(table, List.of());
        }

        int stale(TableRef table) {
            return stale.getOrDefault(table, 0);
        }

        int appliedCount() {
            return applied.values().stream().mapToInt(List::size).sum();
        }

        int staleCount() {
            return stale.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
