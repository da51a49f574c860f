package io.cdcflow.capture.log;

import io.cdcflow.capture.publish.KafkaChangePublisher;
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
 */
final class LogChangeSource implements ChangeSource {

    private static final Logger LOG = Logger.getLogger(LogChangeSource.class);

    private final String name;
    private final Properties properties;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final String signalTopic;
    private final java.nio.file.Path stateDir;
    private final List<String> tables;
    private final SignalTable signals;
    private final ConnectRecordConverter converter = new ConnectRecordConverter();
    private SourceGeneration generation;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile boolean closed;
    private volatile boolean taskRunning;

    /**
     * @param stateDir where the source's generation is kept
     * @param tables   the captured tables, as configured
     * @param signals  the source's signal table, for the blocking snapshot a new generation asks for
     */
    LogChangeSource(String name, Properties properties, KafkaChangePublisher publisher, CaptureMetrics metrics,
                    java.nio.file.Path stateDir, List<String> tables, SignalTable signals) {
        this.name = name;
        this.stateDir = stateDir;
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
        generation = SourceGeneration.load(stateDir, name, CaptureStrategy.log, tables);
        if (!generation.resetPending().isEmpty()) {
            // Read in the stream once the engine reaches it. After a lost slot with the offsets deleted, the new
            // slot starts after this insert: the initial snapshot the engine takes then does the same work.
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
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
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
                    }

                    @Override
                    public void taskStopped() {
                        taskRunning = false;
                    }
                })
                .build();
        // run() returns once the engine has stopped, by itself (failure) or through close().
        engine.run();
        taskRunning = false;
        Throwable error = failure.get();
        if (error != null) {
            throw error instanceof Exception e ? e : new IllegalStateException(error);
        }
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
        for (RecordChangeEvent<SourceRecord> record : records) {
            // Signal rows (requests and Debezium's window markers) are control data, not changes to publish.
            if (record.record().value() != null && !signalTopic.equals(record.record().topic())) {
                if (record.record().value() instanceof org.apache.kafka.connect.data.Struct envelope
                        && envelope.schema().field("op") != null) {
                    PositionCheck.check(name, envelope); // a position no consumer could form stops the source here
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
        for (RecordChangeEvent<SourceRecord> record : records) {
            committer.markProcessed(record);
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
