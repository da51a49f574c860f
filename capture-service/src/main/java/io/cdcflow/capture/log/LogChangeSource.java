package io.cdcflow.capture.log;

import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.capture.source.ChangeSource;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import org.apache.kafka.connect.source.SourceRecord;

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
 */
final class LogChangeSource implements ChangeSource {

    private final String name;
    private final Properties properties;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final String signalTopic;
    private final ConnectRecordConverter converter = new ConnectRecordConverter();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile boolean closed;
    private volatile boolean taskRunning;

    LogChangeSource(String name, Properties properties, KafkaChangePublisher publisher, CaptureMetrics metrics) {
        this.name = name;
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

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<OutgoingChange> batch = new ArrayList<>(records.size());
        for (RecordChangeEvent<SourceRecord> record : records) {
            // Signal rows (requests and Debezium's window markers) are control data, not changes to publish.
            if (record.record().value() != null && !signalTopic.equals(record.record().topic())) {
                batch.add(converter.convert(record.record()));
            }
        }
        long started = System.currentTimeMillis();
        publisher.publish(batch);
        metrics.published(name, batch, started);
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
