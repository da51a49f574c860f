package io.cdcflow.bench.reader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.cdcflow.bench.BenchEnv;

/**
 * Starts the readers compared by the capture part, each on a replication slot of its own: our capture-service
 * (any strategy, as a standalone process with one source and no demo source), the Debezium PostgreSQL connector
 * on Kafka Connect standalone (alone, or with Debezium's JDBC sink connector for the whole-path part), and
 * pg_recvlogical.
 */
public final class SourceReaders {

    private final BenchEnv env;

    public SourceReaders(BenchEnv env) {
        this.env = env;
    }

    /**
     * Our capture-service with one source {@code sourceName} (topics {@code <sourceName>.<schema>.<table>}) and the
     * given extra source properties (log.slot-name, log.snapshot-mode, strategy...), on HTTP port base + 10.
     */
    public ManagedProcess captureService(String sourceName, String tables, Map<String, String> sourceProperties)
            throws IOException {
        Path state = env.work().resolve("capture-" + sourceName);
        deleteRecursively(state);
        List<String> cmd = new ArrayList<>();
        cmd.add(env.java().toString());
        cmd.addAll(List.of(env.serviceJavaOpts().trim().split("\\s+")));
        // A profile of its own: the %prod demo source is not configured, only the bench's.
        cmd.add("-Dquarkus.profile=bench");
        cmd.add("-Dquarkus.http.port=" + (env.servicesPortBase() + 10));
        cmd.add("-Dcdc.capture.state-dir=" + state);
        cmd.add("-Dcdc.capture.leader-lock=false");
        String p = "-Dcdc.capture.sources." + sourceName + ".";
        cmd.add(p + "kind=postgresql");
        cmd.add(p + "host=" + env.pgHost());
        cmd.add(p + "port=" + env.pgPort());
        cmd.add(p + "database=" + env.pgDatabase());
        cmd.add(p + "user=" + env.pgUser());
        cmd.add(p + "tables=" + tables);
        sourceProperties.forEach((k, v) -> cmd.add(p + k + "=" + v));
        cmd.add("-jar");
        cmd.add(env.repo().resolve("capture-service/target/quarkus-app/quarkus-run.jar").toString());
        return ManagedProcess.start("capture-service (" + sourceName + ")", cmd,
                Map.of("CDC_KAFKA_BOOTSTRAP", env.kafkaBootstrap(),
                        "CDC_CAPTURE_SOURCES_" + sourceName.toUpperCase() + "_PASSWORD", env.pgPassword()),
                state, env.work().resolve("logs/capture-" + sourceName + ".log"));
    }

    /**
     * capture-service's producer settings ({@code KafkaChangePublisher}: idempotent, acks=all, five requests in
     * flight, lz4, 5 ms linger), which Connect's worker producer does not have by default (no compression, no linger).
     */
    public static final Map<String, String> CAPTURE_PRODUCER = new java.util.TreeMap<>(Map.of("acks", "all",
            "enable.idempotence", "true", "max.in.flight.requests.per.connection", "5", "compression.type", "lz4",
            "linger.ms", "5"));
    /** The hand-over interval capture-service gives Debezium's engine (Debezium's default is 500 ms). */
    public static final String CAPTURE_POLL_INTERVAL_MS = "25";

    /**
     * The Debezium PostgreSQL connector on Kafka Connect standalone, configured like our log strategy (pgoutput,
     * JSON with the value schema, numeric decimals, no tombstones, transaction metadata), topics
     * {@code <prefix>.<schema>.<table>}, with the same JVM options as the services; with {@code captureSettings},
     * also capture-service's producer settings and poll interval.
     */
    public ManagedProcess connect(String prefix, String tables, String slot, String publication, String snapshotMode,
                                  boolean captureSettings) throws IOException {
        Path dir = connectDir(prefix);
        return startConnect(prefix, dir, connectWorker(dir, captureSettings, false),
                List.of(postgresConnector(prefix, prefix, tables, slot, publication, snapshotMode, captureSettings)));
    }

    /**
     * The whole-path reference: one Connect standalone worker running the Debezium PostgreSQL connector (as
     * {@link #connect}, with capture-service's producer settings and poll interval when {@code tuned}) and
     * Debezium's JDBC sink connector, which upserts its topics into {@code warehouseSchema} of the warehouse
     * database ({@code insert.mode=upsert}, {@code primary.key.mode=record_key}, {@code delete.enabled},
     * {@code schema.evolution=basic}); keys carry their schema, which record_key needs. {@code tuned} also turns
     * on the JDBC sink's own batching options that do what warehouse-sink does: one write per key and batch
     * ({@code use.reduction.buffer}) and one array-parameter statement per batch
     * ({@code dialect.postgres.unnest.insert.enabled}). Topics {@code <topicPrefix>.<schema>.<table>}.
     */
    public ManagedProcess connectToWarehouse(String name, String topicPrefix, String tables, String slot, String publication,
                                             String warehouseSchema, boolean tuned) throws IOException {
        Path dir = connectDir(name);
        Properties source = postgresConnector(name + "-source", topicPrefix, tables, slot, publication, "no_data", tuned);
        Properties sink = new Properties();
        sink.setProperty("name", name + "-jdbc");
        sink.setProperty("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        sink.setProperty("tasks.max", "1");
        List<String> topics = new ArrayList<>();
        for (String table : tables.split(",")) {
            topics.add(topicPrefix + "." + table.strip());
        }
        sink.setProperty("topics", String.join(",", topics));
        sink.setProperty("connection.url", env.warehouseJdbcUrl());
        sink.setProperty("connection.username", env.storeUser());
        sink.setProperty("connection.password", env.storePassword());
        sink.setProperty("insert.mode", "upsert");
        sink.setProperty("primary.key.mode", "record_key");
        sink.setProperty("delete.enabled", "true");
        sink.setProperty("schema.evolution", "basic");
        sink.setProperty("collection.name.format", warehouseSchema + ".${source.table}");
        if (tuned) {
            sink.setProperty("use.reduction.buffer", "true");
            sink.setProperty("dialect.postgres.unnest.insert.enabled", "true");
        }
        return startConnect(name, dir, connectWorker(dir, tuned, true), List.of(source, sink));
    }

    private Path connectDir(String name) throws IOException {
        Path dir = env.work().resolve("connect-" + name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    private Properties connectWorker(Path dir, boolean captureSettings, boolean keySchemas) {
        Properties worker = new Properties();
        worker.setProperty("bootstrap.servers", env.kafkaBootstrap());
        worker.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.setProperty("key.converter.schemas.enable", Boolean.toString(keySchemas));
        worker.setProperty("key.converter.decimal.format", "NUMERIC");
        worker.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.setProperty("value.converter.schemas.enable", "true");
        worker.setProperty("value.converter.decimal.format", "NUMERIC");
        worker.setProperty("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.setProperty("offset.flush.interval.ms", "1000");
        worker.setProperty("listeners", "http://127.0.0.1:" + (env.servicesPortBase() + 11));
        worker.setProperty("plugin.discovery", "only_scan");
        if (captureSettings) {
            CAPTURE_PRODUCER.forEach((k, v) -> worker.setProperty("producer." + k, v));
        }
        return worker;
    }

    private Properties postgresConnector(String name, String prefix, String tables, String slot, String publication,
                                         String snapshotMode, boolean captureSettings) {
        Properties connector = new Properties();
        connector.setProperty("name", name);
        connector.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        connector.setProperty("tasks.max", "1");
        connector.setProperty("database.hostname", env.pgHost());
        connector.setProperty("database.port", Integer.toString(env.pgPort()));
        connector.setProperty("database.user", env.pgUser());
        connector.setProperty("database.password", env.pgPassword());
        connector.setProperty("database.dbname", env.pgDatabase());
        connector.setProperty("topic.prefix", prefix);
        connector.setProperty("plugin.name", "pgoutput");
        connector.setProperty("slot.name", slot);
        connector.setProperty("publication.name", publication);
        connector.setProperty("publication.autocreate.mode", "filtered");
        connector.setProperty("table.include.list", tables);
        connector.setProperty("snapshot.mode", snapshotMode);
        connector.setProperty("tombstones.on.delete", "false");
        connector.setProperty("provide.transaction.metadata", "true");
        connector.setProperty("decimal.handling.mode", "precise");
        connector.setProperty("time.precision.mode", "adaptive_time_microseconds");
        connector.setProperty("skipped.operations", "none");
        if (captureSettings) {
            connector.setProperty("poll.interval.ms", CAPTURE_POLL_INTERVAL_MS);
        }
        return connector;
    }

    private ManagedProcess startConnect(String name, Path dir, Properties worker, List<Properties> connectors) throws IOException {
        Path workerFile = dir.resolve("worker.properties");
        try (var w = Files.newBufferedWriter(workerFile)) {
            worker.store(w, "generated by bin/bench");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(env.java().toString());
        cmd.addAll(List.of(env.serviceJavaOpts().trim().split("\\s+")));
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn");
        cmd.add("-cp");
        cmd.add(env.repo().resolve("bench/connect/target/connect-lib").toString() + "/*");
        cmd.add("org.apache.kafka.connect.cli.ConnectStandalone");
        cmd.add(workerFile.toString());
        for (Properties connector : connectors) {
            Path file = dir.resolve(connector.getProperty("name") + ".properties");
            try (var c = Files.newBufferedWriter(file)) {
                connector.store(c, "generated by bin/bench (holds a password of the local stack)");
            }
            cmd.add(file.toString());
        }
        return ManagedProcess.start("Kafka Connect (" + name + ")", cmd, Map.of(), dir,
                env.work().resolve("logs/connect-" + name + ".log"));
    }

    /** pg_recvlogical streaming {@code slot} (test_decoding) to stdout until {@code endLsn}. */
    public Process recvLogical(String slot, String endLsn) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(env.pgBinDir().resolve("pg_recvlogical").toString(),
                "-h", env.pgHost(), "-p", Integer.toString(env.pgPort()), "-U", env.pgUser(), "-d", env.pgDatabase(),
                "--slot", slot, "--start", "--no-loop", "--endpos", endLsn, "-f", "-")
                .redirectError(ProcessBuilder.Redirect.appendTo(env.work().resolve("logs/pg_recvlogical.log").toFile()));
        pb.environment().put("PGPASSWORD", env.pgPassword());
        return pb.start();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
