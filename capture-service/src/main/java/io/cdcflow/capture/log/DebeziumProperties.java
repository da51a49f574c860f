package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.OffsetStore;
import io.cdcflow.capture.config.SourceConfig;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Builds the Debezium embedded-engine properties for one log-based source from its {@link SourceConfig}: the
 * connector, where offsets are kept, and the choices every source shares (pgoutput, a filtered publication,
 * heartbeats, transaction metadata, no Kafka tombstones after deletes, exact decimals, a signal table for
 * incremental snapshots, column selection and masking). Properties given under
 * {@code cdc.capture.sources.<name>.log.debezium.*} are applied last and win.
 */
final class DebeziumProperties {

    private DebeziumProperties() {
    }

    static Properties forSource(String sourceName, SourceConfig source, CaptureConfig capture) {
        Path stateDir = capture.stateDir();
        SourceConfig.Log log = source.log();
        Properties p = new Properties();
        p.setProperty("name", sourceName);
        p.setProperty("topic.prefix", sourceName);
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password());
        SignalTable signals = SignalTable.of(sourceName, source);
        // Debezium sees a signal only through the stream, so the signal table is captured too (its events are not published).
        p.setProperty("table.include.list", String.join(",", source.tables()) + "," + signals.dataCollection());
        p.setProperty("signal.enabled.channels", "source");
        p.setProperty("signal.data.collection", signals.dataCollection());
        p.setProperty("incremental.snapshot.chunk.size", Integer.toString(log.incrementalSnapshotChunkSize()));
        ColumnFilters.of(sourceName, source).apply(p);
        p.setProperty("snapshot.mode", log.snapshotMode());
        p.setProperty("heartbeat.interval.ms", Long.toString(log.heartbeatInterval().toMillis()));
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("tombstones.on.delete", "false");
        // Debezium skips truncates by default; the sinks apply them (op "t"), so they are captured too.
        p.setProperty("skipped.operations", "none");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        boolean kafkaStore = log.offsetStore() == OffsetStore.kafka;
        if (kafkaStore) {
            // Kafka Connect's store: a compacted topic, written by its own producer once the engine commits.
            capture.kafkaProperties().forEach(p::setProperty);
            p.setProperty("bootstrap.servers", capture.kafkaBootstrapServers());
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
            p.setProperty("offset.storage.topic", log.offsetTopic());
            p.setProperty("offset.storage.partitions", Integer.toString(log.offsetTopicPartitions()));
            p.setProperty("offset.storage.replication.factor", Short.toString(log.offsetTopicReplicationFactor()));
        } else {
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            p.setProperty("offset.storage.file.filename", stateDir.resolve(sourceName + ".offsets").toString());
        }
        p.setProperty("offset.flush.interval.ms", "1000");
        // Debezium hands over a batch when it is full or after this long (500 ms by default, which is most of the
        // commit-to-Kafka latency at moderate rates); each hand-over costs one Kafka round trip.
        p.setProperty("poll.interval.ms", "25");
        p.setProperty("errors.max.retries", "-1");
        switch (source.kind()) {
            case postgresql -> {
                p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
                p.setProperty("database.dbname", source.database());
                p.setProperty("plugin.name", "pgoutput");
                p.setProperty("slot.name", log.slotName().orElse(defaultName(sourceName)));
                p.setProperty("publication.name", log.publicationName().orElse(defaultName(sourceName)));
                p.setProperty("publication.autocreate.mode", "filtered");
            }
            case mysql, mariadb -> {
                p.setProperty("connector.class", source.kind() == DatabaseKind.mysql
                        ? "io.debezium.connector.mysql.MySqlConnector" : "io.debezium.connector.mariadb.MariaDbConnector");
                p.setProperty("database.include.list", source.database());
                p.setProperty("database.server.id", Long.toString(log.serverId()
                        .orElse(5400L + Math.floorMod(sourceName.hashCode(), 100_000))));
                // The schema history must outlive restarts: without it the binlog cannot be decoded.
                if (kafkaStore) {
                    p.setProperty("schema.history.internal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
                    p.setProperty("schema.history.internal.kafka.bootstrap.servers", capture.kafkaBootstrapServers());
                    p.setProperty("schema.history.internal.kafka.topic",
                            log.schemaHistoryTopic().orElse("cdcflow-capture-schema-history." + sourceName));
                    capture.kafkaProperties().forEach((k, v) -> {
                        p.setProperty("schema.history.internal.producer." + k, v);
                        p.setProperty("schema.history.internal.consumer." + k, v);
                    });
                    // Debezium's history producer is not idempotent by default; like every producer of the
                    // platform it waits for all in-sync replicas and writes each record once.
                    p.setProperty("schema.history.internal.producer.acks", "all");
                    p.setProperty("schema.history.internal.producer.enable.idempotence", "true");
                } else {
                    p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
                    p.setProperty("schema.history.internal.file.filename",
                            stateDir.resolve(sourceName + ".schema-history").toString());
                }
                p.setProperty("include.schema.changes", "false");
            }
        }
        log.debezium().forEach(p::setProperty);
        return p;
    }

    /** Slot and publication names allow lower-case letters, digits and underscores only. */
    static String defaultName(String sourceName) {
        return "cdcflow_" + sourceName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }
}
