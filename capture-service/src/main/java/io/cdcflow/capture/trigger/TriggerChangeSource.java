package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.publish.BatchPublisher;
import io.cdcflow.capture.state.SourceStates;
import io.cdcflow.capture.jdbc.Column;
import io.cdcflow.capture.jdbc.ColumnWatch;
import io.cdcflow.capture.jdbc.JdbcSource;
import io.cdcflow.capture.jdbc.TableEnvelopes;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.CapturedTable;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.SourceGeneration;
import io.cdcflow.model.Op;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trigger-based capture: row triggers write every change to a change-log table ({@link ChangeLog}); this source
 * polls it in batches of at most {@code batchSize}, publishes each batch, and deletes exactly the published rows
 * once Kafka acknowledged them.
 *
 * <p><b>Late commits.</b> The change log is consumed as a queue, never past a cursor: each poll reads whatever
 * committed rows are present, lowest {@code seq} first. A transaction that took a low {@code seq} and commits
 * after higher ones were read and published is not skipped: its rows become visible at its commit and are
 * read by the next poll, since nothing was advanced beyond them. Nor do they break per-row order: no other
 * transaction could have changed the same rows meanwhile (it would have waited on their locks), so their
 * {@code seq} is still above anything published for those rows. This needs no snapshot horizon, so a
 * long-running unrelated transaction does not stall capture (the cost: across rows, events are not in commit
 * order; per row they are, which is the contract).
 *
 * <p><b>Delivery.</b> Rows are deleted only after the publish returned and the highest {@code seq} published was
 * saved ({@link PublishedSequence}); a crash in between publishes them again with the same {@code seq} (an exact
 * re-delivery, which sinks ignore). A change log that numbers below that saved {@code seq} (restored with the
 * database), seen at start-up or by a check every {@value #SEQUENCE_CHECK_SECONDS} seconds, stops the source with an
 * error naming the repair; one this start installed anew (its triggers were gone), or in a new generation (the
 * repair, a strategy switch), has its sequence raised above it instead.
 *
 * <p><b>Retention.</b> Published rows are deleted in the same step; once a minute, rows older than
 * {@code maxAge} are deleted even though unpublished (capture stopped for that long), logged as a loss.
 *
 * <p><b>Snapshots.</b> Rows a table held before its triggers are read by a {@link TriggerSnapshot}, a chunk
 * between two polls of the change log, as snapshot reads below every change of their generation. A new generation
 * ({@link SourceGeneration}: a repair, a switch from another strategy) reads its tables again the same way, and
 * once a table is read through publishes its sweep, which removes from the sinks the rows the read did not see.
 *
 * <p>Lifecycle: created by {@link TriggerChangeSourceFactory}; {@link #run()} connects, reads the tables'
 * shapes, installs the change log and triggers when asked, then polls (and snapshots) until {@link #close()}.
 */
public final class TriggerChangeSource implements ChangeSource {

    private static final Logger LOG = Logger.getLogger(TriggerChangeSource.class);
    private static final Duration EXPIRY_EVERY = Duration.ofMinutes(1);
    private static final int SEQUENCE_CHECK_SECONDS = 5;
    private static final Duration SEQUENCE_CHECK_EVERY = Duration.ofSeconds(SEQUENCE_CHECK_SECONDS);
    /** ER_BAD_FIELD_ERROR. */
    private static final int UNKNOWN_COLUMN = 1054;
    /** The name of the snapshot's progress in {@link TriggerStateTable} (and of its file in earlier versions). */
    static final String SNAPSHOT_STATE = "trigger-snapshot";

    private final JdbcSource source;
    private final ChangeLog changeLog;
    private final boolean install;
    private final Duration maxAge;
    private final boolean initialSnapshot;
    private final Path stateDir;
    private final SourceStates states;
    private final BatchPublisher publisher;
    /** For triggers that name the table's columns (MySQL/MariaDB), null otherwise. */
    private final IncompleteImages incompleteImages;
    private ColumnWatch columnWatch;
    private PublishedSequence published;
    /** The snapshot's progress, in the source database: a standby that takes over resumes the snapshot. */
    private TriggerStateTable state;
    private SourceGeneration generation;
    private Map<TableId, TableEnvelopes> tables;
    private TriggerSnapshot snapshot;
    /** The generation {@link #tables} and {@link #snapshot} were set up in. */
    private int begunIn;
    private volatile boolean closed;
    private volatile boolean capturing;

    /**
     * @param initialSnapshot whether the rows the tables held before their triggers are read
     *                        ({@code trigger-snapshot=initial})
     * @param stateDir        the state folder, where an earlier version kept the snapshot's progress (now in the
     *                        source database, {@link TriggerStateTable})
     * @param states          where the source keeps the highest published {@code seq} and its generation
     */
    public TriggerChangeSource(JdbcSource source, ChangeLog changeLog, boolean install, Duration maxAge,
                               boolean initialSnapshot, Path stateDir, SourceStates states,
                               BatchPublisher publisher) {
        this.source = source;
        this.changeLog = changeLog;
        this.install = install;
        this.maxAge = maxAge;
        this.initialSnapshot = initialSnapshot;
        this.stateDir = stateDir;
        this.states = states;
        this.publisher = publisher;
        this.incompleteImages = changeLog instanceof MariaDbChangeLog m ? new IncompleteImages(m.dialect()) : null;
    }

    /** A source that keeps its state in the folder {@code stateDir} ({@link SourceStates#inFolder}). */
    public TriggerChangeSource(JdbcSource source, ChangeLog changeLog, boolean install, Duration maxAge,
                               boolean initialSnapshot, Path stateDir, BatchPublisher publisher) {
        this(source, changeLog, install, maxAge, initialSnapshot, stateDir, SourceStates.inFolder(stateDir, source.name()),
                publisher);
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public boolean capturing() {
        return capturing;
    }

    @Override
    public void run() throws Exception {
        try (Connection c = source.connect()) {
            columnWatch = new ColumnWatch(source.dialect());
            List<CapturedTable> shapes = new ArrayList<>();
            for (TableId id : source.tables()) {
                columnWatch.changed(c, id); // before the shape is read: DDL in between is noticed at the next poll
                shapes.add(CapturedTable.read(c, source.dialect(), id));
            }
            boolean installedBefore = changeLog.installed(c, source.tables());
            if (install) {
                changeLog.install(c, shapes);
            } else if (!changeLog.installed(c, source.tables())) {
                throw new IllegalStateException("source " + source.name() + ": the capture triggers are not installed "
                        + "on every table of " + source.tables() + " and trigger-install is off");
            }
            state = new TriggerStateTable(source.dialect(), changeLog.namespace(), source.name(), stateDir);
            if (install) {
                state.create(c);
            }
            published = new PublishedSequence(states.store("trigger-seq"));
            generation = SourceGeneration.load(states, source.name(), CaptureStrategy.trigger,
                    source.tables().stream().map(TableId::qualifiedName).toList());
            if (changeLog.numbersBelow(c, published.highest())) {
                if (installedBefore && generation.sweepPending().isEmpty()) {
                    throw restored();
                }
                // Installed anew by this start (nothing in it predates it), or a new generation, which reads its
                // tables again and orders above everything published before it: numbering goes on above.
                changeLog.raiseSequenceAbove(c, published.highest());
                LOG.warnf("source %s: the change log numbered its changes below %d, the highest already published (it "
                        + "was installed anew, or generation %d begins); raised its sequence above it", source.name(),
                        published.highest(), generation.generation());
            }
            begin(c, shapes);
            capturing = true;
            long nextExpiry = 0;
            long nextSequenceCheck = System.nanoTime() + SEQUENCE_CHECK_EVERY.toNanos();
            while (!closed) {
                if (System.nanoTime() - nextExpiry >= 0) {
                    int expired = changeLog.expire(c, maxAge);
                    if (expired > 0) {
                        LOG.warnf("source %s: deleted %d unpublished change-log rows older than %s (capture was behind "
                                + "that long); those changes are lost downstream, re-snapshot the tables", source.name(), expired, maxAge);
                    }
                    nextExpiry = System.nanoTime() + EXPIRY_EVERY.toNanos();
                }
                if (System.nanoTime() - nextSequenceCheck >= 0) {
                    if (changeLog.numbersBelow(c, published.highest())) {
                        throw restored();
                    }
                    nextSequenceCheck = System.nanoTime() + SEQUENCE_CHECK_EVERY.toNanos();
                }
                int read = pollOnce(c);
                if (generation.generation() != begunIn) {
                    begin(c, tables.values().stream().map(TableEnvelopes::table).toList()); // tables to read again
                } else if (snapshot.pending()) {
                    readSnapshotChunk(c);
                } else if (read < source.batchSize()) {
                    pause();
                }
            }
        } finally {
            capturing = false;
        }
    }

    /**
     * The change log's sequence went back below what this source published: the database (or the change log) was
     * restored or re-created. Its changes would reach the sinks at positions below the ones they hold, and rows the
     * restore took back to an older state would not be corrected at all: only reading the tables again helps.
     */
    private IllegalStateException restored() {
        return new IllegalStateException("source " + source.name() + ": the change log numbers its changes at or below "
                + published.highest() + ", which this source already published: the database or the change log was "
                + "restored or re-created. Run `bin/cdcflow repair " + source.name() + "`: it reads every table again "
                + "in a new generation, which the sinks order above everything they hold, and sweeps the rows gone "
                + "meanwhile");
    }

    /**
     * Sets up the source's events and snapshot in its current generation: at start, and again when a poll raised it
     * (a table whose rows can no longer be told apart must be read again). Only once the triggers exist: every change
     * a snapshot read may miss is in the change log. A new generation reads its tables again: those still to sweep,
     * which includes those just reset.
     */
    private void begin(Connection c, List<CapturedTable> shapes) throws Exception {
        Map<TableId, TableEnvelopes> next = new HashMap<>();
        for (CapturedTable shape : shapes) {
            TableEnvelopes envelopes = new TableEnvelopes(source.name(), "trigger", source.database(),
                    generation.generation(), source.dialect(), shape);
            TableEnvelopes old = tables == null ? null : tables.get(shape.id());
            next.put(shape.id(), old == null ? envelopes : envelopes.ignoring(old.ignored()));
        }
        tables = next;
        begunIn = generation.generation();
        snapshot = TriggerSnapshot.of(source.dialect(), state.store(c, SNAPSHOT_STATE), shapes, initialSnapshot,
                generation.resetPending(), generation.sweepPending());
        generation.resetPending().forEach(this::resetDone);
        for (TableId id : source.tables()) {
            if (generation.sweepPending().contains(id.qualifiedName()) && !snapshot.pendingTables().contains(id)) {
                sweep(id); // read through before a crash, the sweep not yet acknowledged
            }
        }
        LOG.infof("source %s: polling the trigger change log for %s (generation %d)%s", source.name(), source.tables(),
                generation.generation(), snapshot.pending()
                        ? "; reading the rows of " + snapshot.pendingTables() + " that predate their triggers" : "");
    }

    /** Reads, publishes and deletes one batch; returns how many changes it read. */
    int pollOnce(Connection c) throws Exception {
        List<LoggedChange> changes = changeLog.read(c, source.tables(), source.batchSize());
        if (changes.isEmpty()) {
            return 0;
        }
        for (TableId table : changes.stream().map(LoggedChange::table).distinct().toList()) {
            if (columnWatch.changed(c, table)) {
                reshape(c, table, null);
            }
        }
        List<OutgoingChange> batch = new ArrayList<>(changes.size());
        List<Long> seqs = new ArrayList<>(changes.size());
        Set<String> unkeyed = new LinkedHashSet<>();
        for (LoggedChange change : changes) {
            TableEnvelopes table = tables.get(change.table());
            try {
                if (incompleteImages != null && lagging(change, table.table())) {
                    JsonNode image = change.op() == Op.DELETE ? change.before() : change.after();
                    if (IncompleteImages.keyed(image, table.table())) {
                        try {
                            batch.addAll(current(c, change, table));
                        } catch (java.sql.SQLException e) {
                            if (e.getErrorCode() != UNKNOWN_COLUMN) {
                                throw e;
                            }
                            // DDL since the columns were compared: the batch is read again in the new shape.
                            reshape(c, change.table(), null);
                            return changes.size();
                        }
                    } else {
                        unkeyed.add(change.table().qualifiedName());
                    }
                } else {
                    batch.addAll(table.changes(change.op(), change.before(), change.after(), change.changedMs(),
                            change.seq(), change.txId()));
                }
            } catch (TableEnvelopes.TableChangedException e) {
                reshape(c, e.table(), e.column());
                return changes.size(); // nothing published or deleted: the batch is read again in the new shape
            }
            seqs.add(change.seq());
        }
        if (!unkeyed.isEmpty()) {
            // Raised before those changes are deleted: a crash in between reads them, and raises it, again.
            generation.raise(unkeyed);
            LOG.warnf("source %s: changes of %s were logged without their key columns (dropped or renamed); those tables "
                    + "are read again and swept in generation %d", source.name(), unkeyed, generation.generation());
        }
        if (!batch.isEmpty()) {
            publisher.publish(batch);
        }
        published.published(seqs.stream().mapToLong(Long::longValue).max().orElseThrow());
        changeLog.delete(c, seqs);
        LOG.debugf("source %s: published and deleted %d changes up to seq %d", source.name(), seqs.size(), seqs.getLast());
        return changes.size();
    }

    /** Whether a trigger that lists columns logged this change without some of the table's current ones. */
    private static boolean lagging(LoggedChange change, CapturedTable shape) {
        return (change.before() == null && change.after() == null)
                || IncompleteImages.incomplete(change.before(), shape) || IncompleteImages.incomplete(change.after(), shape);
    }

    /**
     * The records of a change logged without some of the table's columns: a delete as logged (by its key); a create or
     * update as the row is now, or as a delete when it is gone by now; an update that changed the key also deletes the
     * old one. Exact under the position rule: the row's later changes carry higher positions.
     */
    private List<OutgoingChange> current(Connection c, LoggedChange change, TableEnvelopes table) throws Exception {
        CapturedTable shape = table.table();
        if (change.op() == Op.DELETE) {
            return List.of(table.change(Op.DELETE, change.before(), null, change.changedMs(), change.seq(), null,
                    change.txId()));
        }
        List<OutgoingChange> out = new ArrayList<>(2);
        if (change.op() == Op.UPDATE && IncompleteImages.keyed(change.before(), shape)
                && !java.util.Arrays.equals(table.key(change.before()), table.key(change.after()))) {
            out.add(table.change(Op.DELETE, change.before(), null, change.changedMs(), change.seq(), null, change.txId()));
        }
        JsonNode now = incompleteImages.currentRow(c, shape, change.after());
        out.add(now == null
                ? table.change(Op.DELETE, change.after(), null, change.changedMs(), change.seq(), null, change.txId())
                : table.change(change.op(), null, now, change.changedMs(), change.seq(), null, change.txId()));
        return out;
    }

    /**
     * A table's DDL reached capture: an image with a column its shape lacks (added, or the new name of a renamed
     * one), or, for triggers that list columns, a change of the table's columns. Reads the table's shape again,
     * regenerates its triggers when they list columns (MySQL/MariaDB), and leaves out the values of columns the table
     * no longer has (images logged before they were dropped or renamed: the sinks keep the column, with NULL from
     * then on).
     *
     * @param column the column an image had and the shape lacked, or null
     */
    private void reshape(Connection c, TableId table, String column) throws Exception {
        CapturedTable fresh = CapturedTable.read(c, source.dialect(), table);
        for (int attempt = 1; install; attempt++) {
            try {
                changeLog.install(c, List.of(fresh));
                break;
            } catch (java.sql.SQLException e) {
                // Another DDL statement between reading the shape and creating its triggers (MariaDB checks the
                // columns a trigger names): read the shape again.
                if (e.getErrorCode() != UNKNOWN_COLUMN || attempt == 5) {
                    throw e;
                }
                fresh = CapturedTable.read(c, source.dialect(), table);
            }
        }
        CapturedTable shape = fresh;
        TableEnvelopes envelopes = new TableEnvelopes(source.name(), "trigger", source.database(),
                generation.generation(), source.dialect(), shape);
        Set<String> gone = new HashSet<>();
        if (column != null && shape.column(column).isEmpty()) {
            gone.add(column);
        }
        TableEnvelopes old = tables.put(table, envelopes);
        if (old != null) {
            gone.addAll(old.ignored());
            old.table().columns().stream().map(Column::name).filter(n -> shape.column(n).isEmpty()).forEach(gone::add);
        }
        envelopes.ignoring(gone);
        LOG.infof("source %s: %s changed shape%s, now %s", source.name(), table,
                column == null ? "" : " (column " + column + ")", shape.columns().stream().map(Column::name).toList());
    }

    /** Publishes one chunk of the initial snapshot, and records it once Kafka acknowledged it. */
    private void readSnapshotChunk(Connection c) throws Exception {
        TableId table = snapshot.pendingTables().getFirst();
        List<OutgoingChange> rows = snapshot.readChunk(c, tables.get(table), source.batchSize());
        if (!rows.isEmpty()) {
            publisher.publish(rows);
        }
        snapshot.chunkPublished();
        if (!snapshot.pendingTables().contains(table)) {
            LOG.infof("source %s: the rows of %s are read through (generation %d)", source.name(), table,
                    generation.generation());
            if (generation.sweepPending().contains(table.qualifiedName())) {
                sweep(table);
            }
        }
    }

    /**
     * Publishes the sweep of a table read through in a new generation: every sink removes the rows of older
     * generations the read did not see again (deleted while capture could not see them).
     */
    private void sweep(TableId table) throws Exception {
        publisher.publish(List.of(tables.get(table).sweep(System.currentTimeMillis())));
        generation.swept(table.qualifiedName());
        LOG.infof("source %s: swept %s: the sinks drop its rows of generations before %d that the read did not see",
                source.name(), table, generation.generation());
    }

    private void resetDone(String table) {
        try {
            generation.resetDone(table);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void pause() throws InterruptedException {
        long end = System.nanoTime() + source.pollInterval().toNanos();
        while (!closed && System.nanoTime() < end) {
            Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
