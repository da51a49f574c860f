package io.cdcflow.capture.log;

import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.state.SourceStates;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.SourceGeneration;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Log-based capture through the Debezium embedded engine (PostgreSQL logical replication with pgoutput): an
 * initial snapshot, then the stream. Each batch Debezium hands over is published to Kafka and acknowledged
 * there before its records are marked processed, so the offsets Debezium stores (and the slot position it
 * confirms to PostgreSQL) never run ahead of what Kafka holds.
 *
 * <p><b>Generations.</b> Envelopes carry the source's generation ({@link SourceGeneration}, stamped into
 * {@code source.cdc_generation} when above 0). A new generation (a repair, a switch from another strategy) asks for
 * a blocking snapshot of its tables through the signal table; after each table's last snapshot record it publishes
 * the table's sweep, which removes from the sinks the rows of older generations the snapshot did not read.
 *
 * <p><b>Snapshot requests.</b> Debezium acts on a request in the signal table only when it streams the row's insert;
 * the requests written before this run's stream began (a first start, a takeover) are written again once it has
 * ({@link SignalReplay}), so every accepted request is acted on.
 *
 * <p><b>A lost position.</b> When the server no longer has the position capture stopped at, or its binlog went back
 * behind what this run read ({@link BinlogHistoryWatch}, checked every few seconds), the source fails with an error
 * that names the repair; while a repair's sweeps are pending, the engine snapshots anew instead of failing.
 */
final class LogChangeSource implements ChangeSource {

    private static final Logger LOG = Logger.getLogger(LogChangeSource.class);

    private final String name;
    private final Properties properties;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final String signalTopic;
    private final SourceStates states;
    private final List<String> tables;
    private final SignalTable signals;
    private final java.util.function.Supplier<BinlogHistoryWatch> historyWatches;
    private volatile BinlogHistoryWatch historyWatch;
    private volatile SignalReplay signalReplay;
    private final ConnectRecordConverter converter = new ConnectRecordConverter();
    private SourceGeneration generation;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile boolean closed;
    private volatile boolean taskRunning;

    /**
     * @param states   where the source's generation is kept
     * @param tables   the captured tables, as configured
     * @param signals  the source's signal table, for the blocking snapshot a new generation asks for
     * @param historyWatches a new watch of the server's binlog for each run (MySQL/MariaDB), or null
     */
    LogChangeSource(String name, Properties properties, KafkaChangePublisher publisher, CaptureMetrics metrics,
                    SourceStates states, List<String> tables, SignalTable signals,
                    java.util.function.Supplier<BinlogHistoryWatch> historyWatches) {
        this.historyWatches = historyWatches;
        this.name = name;
        this.states = states;
        this.tables = tables;
        this.signals = signals;
        this.signalTopic = name + "." + properties.getProperty("signal.data.collection");
        this.properties = properties;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run() throws Exception {
        generation = SourceGeneration.load(states, name, CaptureStrategy.log, tables);
        if (!generation.resetPending().isEmpty()) {
            // Read in the stream once the engine reaches it. After a lost slot with the offsets deleted, the new
            // slot starts after this insert: the initial snapshot the engine takes then does the same work, and
            // SignalReplay writes the request again once the stream began, so the tables are read a second time.
            List<String> again = List.copyOf(generation.resetPending());
            String id = signals.requestBlockingSnapshot(again);
            LOG.infof("source %s: generation %d reads %s again (blocking snapshot, signal %s), then sweeps them",
                    name, generation.generation(), again, id);
            for (String table : again) {
                generation.resetDone(table);
            }
        } else if (!generation.sweepPending().isEmpty()) {
            LOG.infof("source %s: generation %d sweeps %s once their snapshot is read", name, generation.generation(),
                    generation.sweepPending());
        }
        snapshotAddedTables();
        SignalReplay replay = new SignalReplay(name, signals, signalTopic);
        signalReplay = replay;
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(engineProperties())
                .notifying(this::handleBatch)
                .using((success, message, error) -> {
                    if (!success && !closed) {
                        failure.set(error != null ? error : new IllegalStateException(message));
                    }
                })
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        taskRunning = true;
                        replay.start();
                    }

                    @Override
                    public void taskStopped() {
                        taskRunning = false;
                    }
                })
                .build();
        // run() returns once the engine has stopped, by itself (failure) or through close().
        java.util.concurrent.ScheduledExecutorService watchTimer = watchHistory();
        try {
            engine.run();
        } finally {
            replay.close();
            if (watchTimer != null) {
                watchTimer.shutdownNow();
            }
        }
        taskRunning = false;
        Throwable error = failure.get();
        if (error != null && positionLost(error)) {
            throw new IllegalStateException("source " + name + ": the position it stopped at is no longer on the "
                    + "database server (RESET MASTER, a restore, purged binlogs, or a switch to a server with another "
                    + "binlog history). Run `bin/cdcflow repair " + name + "`: it reads every table again in a new "
                    + "generation, which the sinks order above everything they hold, and sweeps the rows deleted "
                    + "meanwhile", error);
        }
        if (error != null) {
            throw error instanceof Exception e ? e : new IllegalStateException(error);
        }
    }

    /** Checks every five seconds that the server's binlog is not behind what this run read; stops the engine if so. */
    private java.util.concurrent.ScheduledExecutorService watchHistory() {
        if (historyWatches == null) {
            return null;
        }
        BinlogHistoryWatch watch = historyWatches.get();
        historyWatch = watch;
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("binlog-watch-" + name).factory());
        timer.scheduleWithFixedDelay(() -> watch.check().ifPresent(reason -> {
            failure.compareAndSet(null, new IllegalStateException(HISTORY_RESET + ": " + reason));
            DebeziumEngine<?> e = engine;
            try {
                e.close();
            } catch (IOException ex) {
                LOG.warnf(ex, "source %s: cannot stop the engine after its server's binlog went back", name);
            }
        }), 5, 5, java.util.concurrent.TimeUnit.SECONDS);
        return timer;
    }

    private static final String HISTORY_RESET = "binlog history reset";

    /**
     * The engine's settings for this run. While a new generation's sweeps are pending (a repair, a strategy switch),
     * the {@code initial} snapshot mode becomes {@code when_needed}: when the stored position is gone, Debezium reads
     * every table again instead of failing, and those reads, being of the new generation, win in every sink.
     */
    private Properties engineProperties() {
        if (generation.sweepPending().isEmpty() || !"initial".equals(properties.getProperty("snapshot.mode"))) {
            return properties;
        }
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("snapshot.mode", "when_needed");
        return p;
    }

    /**
     * A binlog position (or GTID set) the server no longer has: Debezium's words at start, or MySQL/MariaDB error
     * 1236 (a fatal error reading the binlog, e.g. "could not find next log" after {@code RESET MASTER}) while
     * streaming.
     */
    static boolean positionLost(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("no longer available on the server") || m.contains("Error code: 1236;")
                    || m.startsWith(HISTORY_RESET))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks for an incremental snapshot of the tables added to the source's {@code tables} since its last start:
     * Debezium streams a newly captured table from now on but does not read the rows it already holds. Tables a
     * new generation reads anyway are left out.
     */
    private void snapshotAddedTables() throws Exception {
        java.util.Set<String> added = generation.addedTables(tables);
        added.removeAll(generation.sweepPending());
        if (!added.isEmpty()) {
            String id = signals.requestIncrementalSnapshot(List.copyOf(added));
            LOG.infof("source %s: %s added to the captured tables; reading their rows by an incremental snapshot "
                    + "(signal %s)", name, added, id);
        }
        generation.recordTables(tables);
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<OutgoingChange> batch = new ArrayList<>(records.size());
        List<String> swept = new ArrayList<>();
        int g = generation.generation();
        SignalReplay replay = signalReplay;
        for (RecordChangeEvent<SourceRecord> record : records) {
            replay.observe(record.record());
            // Signal rows (requests and Debezium's window markers) are control data, not changes to publish.
            if (record.record().value() != null && !signalTopic.equals(record.record().topic())) {
                if (record.record().value() instanceof org.apache.kafka.connect.data.Struct envelope
                        && envelope.schema().field("op") != null) {
                    PositionCheck.check(name, envelope); // a position no consumer could form stops the source here
                    BinlogHistoryWatch watch = historyWatch;
                    if (watch != null && envelope.schema().field("source") != null) {
                        org.apache.kafka.connect.data.Struct src = envelope.getStruct("source");
                        if (src.schema().field("file") != null && src.get("file") != null && src.get("pos") != null) {
                            watch.read(src.getString("file"), src.getInt64("pos"));
                        }
                    }
                }
                OutgoingChange change = converter.convert(record.record(), g);
                batch.add(change);
                String marker = ConnectRecordConverter.snapshotMarker(record.record());
                if ((marker.equals("last_in_data_collection") || marker.equals("last"))
                        && generation.sweepPending().contains(change.table()) && !swept.contains(change.table())) {
                    batch.add(converter.sweep(record.record(), g));
                    swept.add(change.table());
                }
            }
        }
        long started = System.currentTimeMillis();
        publisher.publish(batch);
        metrics.published(name, batch, started);
        for (String table : swept) {
            try {
                generation.swept(table);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            LOG.infof("source %s: swept %s: the sinks drop its rows of generations before %d that the snapshot did "
                    + "not read", name, table, g);
        }
        // Offsets inside a binlog transaction are not resume points (ResumePoint): they wait for its END marker.
        for (RecordChangeEvent<SourceRecord> record : records) {
            if (ResumePoint.isResumePoint(record.record())) {
                committer.markProcessed(record);
            }
        }
        committer.markBatchFinished();
    }

    @Override
    public boolean capturing() {
        return taskRunning;
    }

    @Override
    public void close() {
        closed = true;
        DebeziumEngine<?> e = engine;
        if (e != null && taskRunning) {
            try {
                e.close();
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException("could not stop the Debezium engine of source " + name, ex);
            }
        }
    }
}
