package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.jdbc.SourceThread;
import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code offset-store=kafka} for a log-based PostgreSQL source, against the real database and Kafka: capture,
 * stop, write more, restart with an empty state folder: no second snapshot, nothing lost, duplicates only as exact
 * re-deliveries. A publish that Kafka does not acknowledge leaves the stored offsets behind it, so the restarted
 * source delivers that batch again.
 */
class PostgresKafkaOffsetStoreIT {

    static {
        // DriverManager hands out only drivers of the caller's class loader (see PostgresSourceCheckIT).
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String SOURCE = "kafkaoffs";
    private static final String TOPIC = SOURCE + ".kafka_offsets.items";

    @Test
    void capturedStopRestartedFromKafkaOffsetsWithoutLossOrSnapshot() throws Exception {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            PostgresSourceResource.dropSlotAndPublication(s, "cdcflow_kafkaoffs");
            s.execute("DROP SCHEMA IF EXISTS kafka_offsets CASCADE");
            s.execute("CREATE SCHEMA kafka_offsets");
            s.execute("CREATE TABLE kafka_offsets.items (id bigint PRIMARY KEY, v int NOT NULL)");
            s.execute("ALTER TABLE kafka_offsets.items REPLICA IDENTITY FULL");
            s.execute("INSERT INTO kafka_offsets.items SELECT g, 0 FROM generate_series(1, 100) g");
        }
        String offsetTopic = "capture-offsets-" + UUID.randomUUID();
        KafkaTestSupport.deleteTopics(TOPIC, SOURCE + ".transaction");

        // First run: the snapshot (100 reads) and 50 inserts, then a batch Kafka "refuses" (the publisher throws
        // after sending it, before the engine may commit), which stops the source.
        AtomicInteger refuseAfter = new AtomicInteger(Integer.MAX_VALUE);
        Set<Long> refused = new HashSet<>();
        Path firstState = Files.createTempDirectory("capture-kafkaoffs");
        CaptureConfig config = config(stack, firstState, offsetTopic);
        KafkaChangePublisher kafka = new KafkaChangePublisher(config);
        KafkaChangePublisher refusing = new KafkaChangePublisher(config) {
            @Override
            public void publish(List<OutgoingChange> batch) throws InterruptedException {
                kafka.publish(batch);
                if (batch.stream().anyMatch(OutgoingChange::isRowChange) && refuseAfter.decrementAndGet() < 0) {
                    throw new PublishException("refused by the test after sending", null);
                }
            }
        };
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(TOPIC)) {
            SourceThread first = new SourceThread(source(config, refusing)).awaitCapturing();
            reader.await(r -> r.size() >= 100, Duration.ofSeconds(90));
            write("INSERT INTO kafka_offsets.items SELECT g, 0 FROM generate_series(101, 150) g");
            reader.await(r -> r.size() >= 150, Duration.ofSeconds(60));
            refuseAfter.set(0);
            write("UPDATE kafka_offsets.items SET v = 1 WHERE id <= 10");
            // The refused batch (the first one with some of these updates; Debezium may split the transaction into
            // several) made the engine stop with the error; the source thread ends.
            await("the source stopped on the refused batch").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> first.failure() != null);
            KafkaTestSupport.events(reader.await(r -> r.size() > 150, Duration.ofSeconds(30))).stream()
                    .filter(e -> e.op() == Op.UPDATE).forEach(e -> refused.add(e.after().get("id").asLong()));
        }
        assertThat(refused).as("the refused batch was sent before it was refused").isNotEmpty();

        // While capture is down: more inserts and updates.
        write("INSERT INTO kafka_offsets.items SELECT g, 0 FROM generate_series(151, 200) g");
        write("UPDATE kafka_offsets.items SET v = 2 WHERE id BETWEEN 141 AND 160");
        assertThat(firstState.resolve(SOURCE + ".offsets")).as("no offsets file with the kafka store").doesNotExist();

        // Second run from a fresh, empty state folder: everything comes from the Kafka offset topic.
        CaptureConfig restarted = config(stack, Files.createTempDirectory("capture-kafkaoffs-2"), offsetTopic);
        List<ConsumerRecord<byte[], byte[]>> records;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(TOPIC);
             SourceThread second = new SourceThread(source(restarted, new KafkaChangePublisher(restarted))).awaitCapturing()) {
            records = reader.await(r -> r.size() >= 230, Duration.ofSeconds(90));
        }
        List<ChangeEvent> events = KafkaTestSupport.events(records);
        assertThat(events.stream().filter(e -> e.op() == Op.READ).count()).as("one snapshot only").isEqualTo(100);
        Set<Long> created = events.stream().filter(e -> e.op() == Op.CREATE).map(e -> e.after().get("id").asLong())
                .collect(Collectors.toSet());
        assertThat(created).hasSize(100).contains(101L, 150L, 151L, 200L);
        for (long id = 1; id <= 10; id++) {
            assertThat(lastValue(records, id)).as("update of %d after the refused batch", id).isEqualTo(1);
        }
        for (long id = 141; id <= 160; id++) {
            assertThat(lastValue(records, id)).as("update of %d while capture was down", id).isEqualTo(2);
        }
        // Duplicates are exact re-deliveries: same key, position and row images (only the processing time differs).
        Map<String, Set<String>> byKeyAndPosition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ChangeEvent e = KafkaTestSupport.events(List.of(r)).get(0);
            byKeyAndPosition.computeIfAbsent(new String(r.key()) + "@" + e.position() + "/" + e.op(), k -> new HashSet<>())
                    .add(String.valueOf(e.before()) + e.after());
        }
        assertThat(byKeyAndPosition.values()).allSatisfy(v -> assertThat(v).hasSize(1));
        // The refused batch was in Kafka, but its offsets were not committed: it is delivered again after the restart,
        // with the rest of its transaction.
        for (long id = 1; id <= 10; id++) {
            long times = KafkaTestSupport.eventsOf(records, "{\"id\":" + id + "}").stream()
                    .filter(e -> e.op() == Op.UPDATE && e.after().get("v").asInt() == 1).count();
            assertThat(times).as("deliveries of the update of %d (refused: %s)", id, refused).isEqualTo(refused.contains(id) ? 2 : 1);
        }
        System.out.printf("kafka offset store: %d records, %d exact re-deliveries%n", records.size(),
                records.size() - byKeyAndPosition.size());
        KafkaTestSupport.deleteTopics(offsetTopic, offsetTopic + "-state");
        dropSlot();
    }

    private static int lastValue(List<ConsumerRecord<byte[], byte[]>> records, long id) {
        List<ChangeEvent> events = KafkaTestSupport.eventsOf(records, "{\"id\":" + id + "}");
        return events.get(events.size() - 1).after().get("v").asInt();
    }

    private static LogChangeSource source(CaptureConfig config, KafkaChangePublisher publisher) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return (LogChangeSource) new LogChangeSourceFactory(config, publisher, new CaptureMetrics(meters), meters,
                new io.cdcflow.capture.state.CaptureStates(config))
                .prepare(SOURCE, config.sources().get(SOURCE)).get();
    }

    private static CaptureConfig config(StackEndpoints stack, Path stateDir, String offsetTopic) {
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> p = new HashMap<>();
        p.put("cdc.capture.kafka-bootstrap-servers", stack.kafkaBootstrap());
        p.put("cdc.capture.state-dir", stateDir.toString());
        p.put(prefix + "kind", "postgresql");
        p.put(prefix + "host", stack.get("CDC_SOURCE_PG_HOST"));
        p.put(prefix + "port", stack.get("CDC_SOURCE_PG_PORT"));
        p.put(prefix + "database", stack.get("CDC_SOURCE_PG_DB"));
        p.put(prefix + "user", stack.get("CDC_SOURCE_PG_USER"));
        p.put(prefix + "password", stack.get("CDC_SOURCE_PG_PASSWORD"));
        p.put(prefix + "tables", "kafka_offsets.items");
        p.put(prefix + "log.signal-table", "kafka_offsets.cdcflow_signal");
        p.put(prefix + "log.offset-store", "kafka");
        p.put(prefix + "log.offset-topic", offsetTopic);
        // Its generation goes to the state topic too (state-store follows offset-store=kafka): one of this run.
        p.put("cdc.capture.state-topic", offsetTopic + "-state");
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(CaptureConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(p, "kafkaoffs-test", 500)).build();
        return config.getConfigMapping(CaptureConfig.class);
    }

    private static void write(String sql) throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** An inactive slot keeps WAL on the shared server forever: drop it (and its publication) once capture stopped. */
    private static void dropSlot() throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdcflow_kafkaoffs' AND active");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'cdcflow_kafkaoffs' AND NOT active");
            s.execute("DROP PUBLICATION IF EXISTS cdcflow_kafkaoffs");
        }
    }
}
