package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.BatchPublisher;
import io.cdcflow.capture.jdbc.JdbcSource;
import io.cdcflow.capture.jdbc.TableEnvelopes;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.TableShape;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.SourceGeneration;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * re-delivery, which sinks ignore). A change log that numbers below that saved {@code seq} (re-created, restored)
 * has its sequence raised above it at start-up.
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

    private final JdbcSource source;
    private final ChangeLog changeLog;
    private final boolean install;
    private final Duration maxAge;
    private final boolean initialSnapshot;
    private final Path stateDir;
    private final BatchPublisher publisher;
    private PublishedSequence published;
    private SourceGeneration generation;
    private volatile boolean closed;
    private volatile boolean capturing;

    /**
     * @param initialSnapshot whether the rows the tables held before their triggers are read
     *                        ({@code trigger-snapshot=initial})
     * @param stateDir        the state folder: the snapshot's progress, the highest published {@code seq} and the
     *                        source's generation
     */
    public TriggerChangeSource(JdbcSource source, ChangeLog changeLog, boolean install, Duration maxAge,
                               boolean initialSnapshot, Path stateDir, BatchPublisher publisher) {
        this.source = source;
        this.changeLog = changeLog;
        this.install = install;
        this.maxAge = maxAge;
        this.initialSnapshot = initialSnapshot;
        this.stateDir = stateDir;
        this.publisher = publisher;
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
            generation = SourceGeneration.load(stateDir, source.name(), CaptureStrategy.trigger,
                    source.tables().stream().map(TableId::qualifiedName).toList());
            Map<TableId, TableEnvelopes> tables = new HashMap<>();
            List<TableShape> shapes = new ArrayList<>();
            for (TableId id : source.tables()) {
                TableShape shape = TableShape.read(c, source.dialect(), id);
                shapes.add(shape);
                tables.put(id, new TableEnvelopes(source.name(), "trigger", source.database(), generation.generation(),
                        source.dialect(), shape));
            }
            if (install) {
                changeLog.install(c, shapes);
            } else if (!changeLog.installed(c, source.tables())) {
                throw new IllegalStateException("source " + source.name() + ": the capture triggers are not installed "
                        + "on every table of " + source.tables() + " and trigger-install is off");
            }
            published = new PublishedSequence(stateDir, source.name());
            if (changeLog.raiseSequenceAbove(c, published.highest())) {
                LOG.warnf("source %s: the change log numbered its changes below %d, the highest already published (it "
                        + "was re-created or restored); raised its sequence above it, so positions keep growing",
                        source.name(), published.highest());
            }
            // Only now that the triggers exist: every change a snapshot read may miss is in the change log.
            // A new generation reads its tables again: those still to sweep, which includes those just reset.
            TriggerSnapshot snapshot = TriggerSnapshot.of(source.dialect(), stateDir, source.name(), shapes,
                    initialSnapshot, generation.resetPending(), generation.sweepPending());
            generation.resetPending().forEach(this::resetDone);
            for (TableId id : source.tables()) {
                if (generation.sweepPending().contains(id.qualifiedName())
                        && !snapshot.pendingTables().contains(id)) {
                    sweep(id, tables); // read through before a crash, the sweep not yet acknowledged
                }
            }
            LOG.infof("source %s: polling the trigger change log for %s%s", source.name(), source.tables(),
                    snapshot.pending() ? "; reading the rows of " + snapshot.pendingTables() + " that predate their triggers" : "");
            capturing = true;
            long nextExpiry = 0;
            while (!closed) {
                if (System.nanoTime() - nextExpiry >= 0) {
                    int expired = changeLog.expire(c, maxAge);
                    if (expired > 0) {
                        LOG.warnf("source %s: deleted %d unpublished change-log rows older than %s (capture was behind "
                                + "that long); those changes are lost downstream, re-snapshot the tables", source.name(), expired, maxAge);
                    }
                    nextExpiry = System.nanoTime() + EXPIRY_EVERY.toNanos();
                }
                int read = pollOnce(c, tables);
                if (snapshot.pending()) {
                    readSnapshotChunk(c, snapshot, tables);
                } else if (read < source.batchSize()) {
                    pause();
                }
            }
        } finally {
            capturing = false;
        }
    }

    /** Reads, publishes and deletes one batch; returns how many changes it read. */
    int pollOnce(Connection c, Map<TableId, TableEnvelopes> tables) throws Exception {
        List<LoggedChange> changes = changeLog.read(c, source.tables(), source.batchSize());
        if (changes.isEmpty()) {
            return 0;
        }
        List<OutgoingChange> batch = new ArrayList<>(changes.size());
        List<Long> seqs = new ArrayList<>(changes.size());
        for (LoggedChange change : changes) {
            TableEnvelopes table = tables.get(change.table());
            try {
                batch.addAll(table.changes(change.op(), change.before(), change.after(), change.changedMs(),
                        change.seq(), change.txId()));
            } catch (TableEnvelopes.TableChangedException e) {
                reshape(c, e, tables);
                return changes.size(); // nothing published or deleted: the batch is read again in the new shape
            }
            seqs.add(change.seq());
        }
        publisher.publish(batch);
        published.published(seqs.stream().mapToLong(Long::longValue).max().orElseThrow());
        changeLog.delete(c, seqs);
        LOG.debugf("source %s: published and deleted %d changes up to seq %d", source.name(), seqs.size(), seqs.getLast());
        return changes.size();
    }

    /**
     * A table's DDL reached the change log: an image with a column its shape lacks (added, or the new name of a
     * renamed one), or without one it has (dropped, renamed). Reads the table's shape again, regenerates its
     * triggers when they list columns (MySQL/MariaDB), and leaves out the values of columns the table no longer has
     * (images logged before they were dropped or renamed: the sinks keep the column, with NULL from then on).
     */
    private void reshape(Connection c, TableEnvelopes.TableChangedException e, Map<TableId, TableEnvelopes> tables)
            throws Exception {
        TableShape fresh = TableShape.read(c, source.dialect(), e.table());
        TableEnvelopes envelopes = new TableEnvelopes(source.name(), "trigger", source.database(),
                generation.generation(), source.dialect(), fresh);
        if (fresh.column(e.column()).isEmpty()) {
            envelopes.ignoring(java.util.Set.of(e.column()));
        }
        TableEnvelopes old = tables.put(e.table(), envelopes);
        if (old != null) {
            envelopes.ignoring(old.ignored());
        }
        if (install) {
            changeLog.install(c, List.of(fresh));
        }
        LOG.infof("source %s: %s changed shape (column %s), now %s", source.name(), e.table(), e.column(),
                fresh.columns().stream().map(io.cdcflow.capture.jdbc.Column::name).toList());
    }

    /** Publishes one chunk of the initial snapshot, and records it once Kafka acknowledged it. */
    private void readSnapshotChunk(Connection c, TriggerSnapshot snapshot, Map<TableId, TableEnvelopes> tables) throws Exception {
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
                sweep(table, tables);
            }
        }
    }

    /**
     * Publishes the sweep of a table read through in a new generation: every sink removes the rows of older
     * generations the read did not see again (deleted while capture could not see them).
     */
    private void sweep(TableId table, Map<TableId, TableEnvelopes> tables) throws Exception {
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
