package io.cdcflow.capture.timestamp;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.publish.BatchPublisher;
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
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.cdcflow.capture.state.SourceStates;

/**
 * Timestamp-based capture: polls each table for rows whose modification time is at or after its watermark
 * minus an overlap window, with keyset pagination on {@code (timestamp, primary key)}, and publishes each new row
 * state as a change positioned by the order capture read it in ({@link ReadSequence}, {@code source.seq}); the row's
 * timestamp ({@code source.ts_us}) is only the poll's cursor: a later commit may carry an earlier timestamp.
 *
 * <p><b>Late commits.</b> A transaction can stamp a row at T and commit after rows stamped later were read and
 * the watermark moved past T. Every poll therefore re-reads from {@code watermark - overlap}, and skips the
 * row states it already published in that window (same timestamp, key and content); a row committed less than {@code overlap} after
 * its timestamp is found, one committed later is missed (say so; choose the overlap above the longest
 * transaction). Rows sharing a timestamp are ordered by key, so pagination neither skips nor repeats them.
 *
 * <p><b>What it cannot see.</b> Hard deletes (the row is gone, use soft deletes: a set {@code deleted_at}
 * becomes a delete event whose {@code before} is the row), and intermediate states between two polls (only the
 * latest state of a row is published). Without a creation-time column inserts are published as updates. A repair
 * ({@link SourceGeneration}) reads the tables again from the start in a new generation and then publishes a sweep
 * per table, which removes from the sinks the rows hard-deleted since.
 *
 * <p><b>State.</b> Kept by {@link WatermarkStore} ({@link PublishedWindow} in memory), saved after batches Kafka
 * acknowledged, at most once a second during a long poll; a crash re-publishes what was not saved, the same states
 * at new, higher positions (harmless: they are still the newest states read).
 *
 * <p>Lifecycle: created by {@link TimestampChangeSourceFactory}; {@link #run()} connects, reads the tables'
 * shapes and the stored state, then polls every table until {@link #close()}.
 */
public final class TimestampChangeSource implements ChangeSource {

    private static final Logger LOG = Logger.getLogger(TimestampChangeSource.class);

    /**
     * The columns one table is polled by.
     *
     * @param timestamp the modification-time column
     * @param deleted   the soft-delete column, when the table has it
     * @param created   the creation-time column, when configured
     */
    public record Columns(String timestamp, String deleted, Optional<String> created) {
    }

    private final JdbcSource source;
    private final Columns columns;
    private final long overlapUs;
    private final WatermarkStore store;
    private final SourceStates states;
    private final BatchPublisher publisher;
    private ReadSequence sequence;
    private SourceGeneration generation;
    private static final long SAVE_EVERY_NS = 1_000_000_000L;

    private volatile boolean closed;
    private volatile boolean capturing;
    private long lastSaveNs;
    private long lastSaveTookNs;

    /** @param states where the source keeps its state: the watermarks, the read sequence, the generation */
    public TimestampChangeSource(JdbcSource source, Columns columns, Duration overlap, SourceStates states,
                                 BatchPublisher publisher) {
        this.source = source;
        this.columns = columns;
        this.overlapUs = overlap.toNanos() / 1000;
        this.store = new WatermarkStore(states.store("timestamp"));
        this.states = states;
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

    private record Polled(CapturedTable shape, TableEnvelopes envelopes, TimestampQuery query, Column timestamp,
                          Optional<Column> deleted, Optional<Column> created) {
    }

    @Override
    public void run() throws Exception {
        try (Connection c = source.connect()) {
            generation = SourceGeneration.load(states, source.name(), CaptureStrategy.timestamp,
                    source.tables().stream().map(TableId::qualifiedName).toList());
            ColumnWatch columnWatch = new ColumnWatch(source.dialect());
            List<Polled> tables = new ArrayList<>();
            for (TableId id : source.tables()) {
                columnWatch.changed(c, id); // before the shape is read: DDL in between is noticed at the next poll
                tables.add(polled(c, id));
            }
            sequence = new ReadSequence(states.store("read-seq"));
            Map<String, PublishedWindow> state = new HashMap<>();
            Map<String, Long> resumeAt = new java.util.TreeMap<>();
            store.load().forEach((table, w) -> {
                if (!generation.resetPending().contains(table)) { // a new generation reads the table from the start
                    state.put(table, PublishedWindow.of(w));
                    resumeAt.put(table, w.watermarkUs());
                }
            });
            if (!generation.resetPending().isEmpty()) {
                saveAtMostEverySecond(state, true);
                for (String table : generation.resetPending()) {
                    generation.resetDone(table);
                }
            }
            LOG.infof("source %s: polling %s by %s, resuming at watermarks (epoch µs) %s", source.name(), source.tables(),
                    columns.timestamp(), resumeAt);
            capturing = true;
            while (!closed) {
                int read = 0;
                for (int i = 0; i < tables.size(); i++) {
                    Polled t = tables.get(i);
                    if (columnWatch.changed(c, t.shape().id())) {
                        // DDL on a table whose query names its columns: poll it in its new shape from now on.
                        t = polled(c, t.shape().id());
                        tables.set(i, t);
                        LOG.infof("source %s: %s changed shape; polling it in its new shape %s", source.name(),
                                t.shape().id(), t.shape().columns().stream().map(Column::name).toList());
                    }
                    try {
                        read += poll(c, t, state);
                    } catch (TableEnvelopes.TableChangedException e) {
                        // DDL added a column: read the table's shape again and poll it in its new shape.
                        tables.set(i, polled(c, e.table()));
                        LOG.infof("source %s: %s changed shape (column %s); polling it in its new shape",
                                source.name(), e.table(), e.column());
                        read++;
                        continue;
                    }
                    if (!closed && generation.sweepPending().contains(t.shape().id().qualifiedName())) {
                        sweep(t);
                    }
                }
                if (read == 0) {
                    pause();
                }
            }
        } finally {
            capturing = false;
        }
    }

    /** A table to poll, by its shape as the catalog has it now. */
    private Polled polled(Connection c, TableId id) throws java.sql.SQLException {
        CapturedTable shape = CapturedTable.read(c, source.dialect(), id);
        Column ts = shape.column(columns.timestamp()).orElseThrow(() -> new IllegalStateException(
                "table " + id + " has no column " + columns.timestamp()));
        return new Polled(shape, new TableEnvelopes(source.name(), "timestamp", source.database(),
                generation.generation(), source.dialect(), shape), TimestampQuery.of(source.dialect(), shape, ts), ts,
                shape.column(columns.deleted()), columns.created().flatMap(shape::column));
    }

    /** Polls one table from its watermark minus the overlap to its newest row; returns how many rows were new. */
    private int poll(Connection c, Polled t, Map<String, PublishedWindow> state) throws Exception {
        String name = t.shape().id().qualifiedName();
        PublishedWindow window = state.computeIfAbsent(name, n -> new PublishedWindow());
        long fromUs = Math.max(0, window.watermarkUs() - overlapUs);
        PollCursor cursor = null;
        int fresh = 0;
        while (!closed) {
            Page page = page(c, t, window, fromUs, cursor);
            if (!page.changes().isEmpty()) {
                publisher.publish(page.changes());
                page.published().forEach(row -> window.add(row.timestampUs(), row.key(), row.digest()));
                window.dropOutside(overlapUs);
                fresh += page.changes().size();
                saveAtMostEverySecond(state, false);
            }
            if (page.rows() < source.batchSize()) {
                break;
            }
            cursor = page.last();
        }
        if (fresh > 0) {
            saveAtMostEverySecond(state, true);
        }
        return fresh;
    }

    /** A row of a page that was not published before: its identity in the overlap window. */
    private record Published(long timestampUs, String key, String digest) {
    }

    /**
     * One page of a poll: how many rows it read, the changes among them not published before (with their identities),
     * and the cursor after its last row.
     */
    private record Page(int rows, List<OutgoingChange> changes, List<Published> published, PollCursor last) {
    }

    /** Reads the page after {@code cursor} (the first page, from {@code fromUs}, when null). */
    private Page page(Connection c, Polled t, PublishedWindow window, long fromUs, PollCursor cursor) throws Exception {
        List<OutgoingChange> changes = new ArrayList<>();
        List<Published> published = new ArrayList<>();
        PollCursor last = cursor;
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(cursor == null ? t.query().first() : t.query().next())) {
            int next;
            if (cursor == null) {
                ps.setLong(1, fromUs);
                next = 2;
            } else {
                next = cursor.bind(ps);
            }
            ps.setInt(next, source.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    last = PollCursor.read(rs, t.shape().primaryKey().size());
                    String text = rs.getString(2);
                    JsonNode image = Json.mapper().readTree(text);
                    String key = new String(t.envelopes().key(image), StandardCharsets.UTF_8);
                    String digest = digest(text);
                    if (window.contains(last.timestampUs(), key, digest)) {
                        continue;
                    }
                    changes.add(change(t, image, last.timestampUs(), sequence.next()));
                    published.add(new Published(last.timestampUs(), key, digest));
                }
            }
        }
        return new Page(rows, changes, published, last);
    }

    /**
     * Saves what was published: at the end of each poll of a table, and during a long one at most once a second, or
     * less often when a save takes long (it writes the whole overlap window, which a bulk load on one timestamp can
     * fill with a million rows), so that saving takes at most a twentieth of the time. State not yet saved when
     * capture crashes is published again: exact re-deliveries, never a gap, since the watermark saved is never above
     * what Kafka acknowledged.
     */
    private void saveAtMostEverySecond(Map<String, PublishedWindow> state, boolean endOfPoll) throws java.io.IOException {
        long now = System.nanoTime();
        if (endOfPoll || now - lastSaveNs >= Math.max(SAVE_EVERY_NS, 20 * lastSaveTookNs)) {
            Map<String, WatermarkStore.TableWatermark> stored = new HashMap<>();
            state.forEach((table, w) -> stored.put(table, w.stored()));
            store.save(stored);
            lastSaveNs = System.nanoTime();
            lastSaveTookNs = lastSaveNs - now;
        }
    }

    /**
     * Publishes the sweep of a table read through in a new generation: every sink removes the rows of older
     * generations the read did not see again (deleted while nothing captured them, or hard-deleted ones, which this
     * strategy cannot see otherwise).
     */
    private void sweep(Polled t) throws Exception {
        String table = t.shape().id().qualifiedName();
        publisher.publish(List.of(t.envelopes().sweep(System.currentTimeMillis())));
        generation.swept(table);
        LOG.infof("source %s: swept %s: the sinks drop its rows of generations before %d that the read did not see",
                source.name(), table, generation.generation());
    }

    private OutgoingChange change(Polled t, JsonNode image, long tsUs, long seq) {
        long tsMs = Math.floorDiv(tsUs, 1000);
        if (t.deleted().isPresent()) {
            JsonNode d = image.get(t.deleted().get().name());
            if (d != null && !d.isNull()) {
                return t.envelopes().change(Op.DELETE, image, null, tsMs, seq, tsUs, null);
            }
        }
        Op op = t.created().map(cr -> image.get(cr.name()))
                .filter(v -> v.equals(image.get(t.timestamp().name()))).isPresent() ? Op.CREATE : Op.UPDATE;
        return t.envelopes().change(op, null, image, tsMs, seq, tsUs, null);
    }

    /** A digest of a row state as the database rendered it: tells two states of one row at one timestamp apart. */
    static String digest(String rowText) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(rowText.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
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
