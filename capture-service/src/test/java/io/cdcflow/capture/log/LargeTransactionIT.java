package io.cdcflow.capture.log;

import io.cdcflow.capture.source.PackagedCapture;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One transaction of many narrow rows streams through capture-service with a small heap: the packaged service
 * ({@code target/quarkus-app}) runs in its own JVM with {@code -Xmx128m} and captures a log-based PostgreSQL source;
 * one {@code INSERT ... SELECT generate_series} commits the rows at once; every row must reach Kafka (the topic's end
 * offsets add up to the row count, the first and last keys are there). Prints the time and the service's peak RSS.
 * 100,000 rows by default; {@code -Dcdc.it.large-tx-rows=1000000} for the million-row run.
 */
class LargeTransactionIT {

    static {
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String SOURCE = "h1big";
    private static final String TOPIC = SOURCE + ".h1_big.rows";

    @Test
    void oneHugeTransactionReachesKafkaWithBoundedMemory() throws Exception {
        int rows = Integer.getInteger("cdc.it.large-tx-rows", 100_000);
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1big' AND active");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1big'");
            s.execute("DROP PUBLICATION IF EXISTS cdcflow_h1big");
            s.execute("DROP SCHEMA IF EXISTS h1_big CASCADE");
            s.execute("CREATE SCHEMA h1_big");
            s.execute("CREATE TABLE h1_big.rows (id bigint PRIMARY KEY, v int NOT NULL)");
            s.execute("ALTER TABLE h1_big.rows REPLICA IDENTITY FULL");
        }
        PostgresSourceResource.deleteTopics(stack, TOPIC, SOURCE + ".transaction");

        Path state = Files.createTempDirectory("capture-h1big");
        String p = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> source = Map.of(
                p + "kind", "postgresql", p + "host", stack.get("CDC_SOURCE_PG_HOST"), p + "port", stack.get("CDC_SOURCE_PG_PORT"),
                p + "database", stack.get("CDC_SOURCE_PG_DB"), p + "user", stack.get("CDC_SOURCE_PG_USER"),
                p + "password", stack.get("CDC_SOURCE_PG_PASSWORD"), p + "tables", "h1_big.rows",
                p + "signal-table", "h1_big.cdcflow_signal", p + "snapshot-mode", "no_data");
        PackagedCapture service = PackagedCapture.start("h1big", state, source, "-Xmx128m", "-XX:+UseSerialGC");
        Path log = service.log();
        try {
            awaitActiveSlot();
            long started = System.nanoTime();
            try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO h1_big.rows SELECT g, g FROM generate_series(1, " + rows + ") g");
                c.commit();
            }
            long committed = System.nanoTime();
            long peakRss = 0;
            long published = 0;
            long end = System.nanoTime() + Duration.ofSeconds(120 + rows / 2_000).toNanos();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                while (published < rows && System.nanoTime() < end && service.isAlive()) {
                    peakRss = Math.max(peakRss, service.rssHighWaterKb());
                    published = endOffsets(consumer).values().stream().mapToLong(Long::longValue).sum();
                    Thread.sleep(500);
                }
                peakRss = Math.max(peakRss, service.rssHighWaterKb());
                assertThat(service.isAlive()).as("the service is still running (no OutOfMemoryError); see " + log).isTrue();
                assertThat(published).as("events in Kafka").isEqualTo(rows);
                long[] firstAndLast = firstAndLastIds(consumer);
                assertThat(firstAndLast).containsExactly(1L, rows);
            }
            System.out.printf("large transaction: %d rows committed in %.1f s, all in Kafka %.1f s after the commit "
                            + "(%.0f events/s), capture-service -Xmx128m peak RSS %d MB%n", rows,
                    (committed - started) / 1e9, (System.nanoTime() - committed) / 1e9,
                    rows / ((System.nanoTime() - committed) / 1e9), peakRss / 1024);
        } finally {
            service.close();
            dropSlot();
            // The rows and their events are large: leave nothing behind on the shared servers.
            try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS h1_big CASCADE");
            }
            PostgresSourceResource.deleteTopics(stack, TOPIC, SOURCE + ".transaction");
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Stack.up().kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "h1-big-" + UUID.randomUUID(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10));
        if (partitions == null || partitions.isEmpty()) {
            return Map.of();
        }
        return consumer.endOffsets(partitions.stream().map(i -> new TopicPartition(TOPIC, i.partition())).toList());
    }

    /**
     * The smallest id among each partition's first record and the largest among their last records: rows are
     * emitted in insert order, so these are the transaction's first and last rows.
     */
    private static long[] firstAndLastIds(KafkaConsumer<byte[], byte[]> consumer) {
        Map<TopicPartition, Long> ends = endOffsets(consumer);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (var e : ends.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            consumer.assign(List.of(e.getKey()));
            for (long offset : new long[]{0, e.getValue() - 1}) {
                consumer.seek(e.getKey(), offset);
                long id = -1;
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (id < 0 && System.nanoTime() < until) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.offset() == offset) {
                            id = idOf(r.key());
                        }
                    }
                }
                first = Math.min(first, id);
                last = Math.max(last, id);
            }
        }
        return new long[]{first, last};
    }

    private static long idOf(byte[] key) {
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(new String(key));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void awaitActiveSlot() throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < end) {
                try (ResultSet rs = s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1big'")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the replication slot cdcflow_h1big did not become active in 90 s");
    }

    /** An inactive slot keeps WAL on the shared server forever: drop it (and its publication) once capture stopped. */
    private static void dropSlot() throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1big' AND active");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1big' AND NOT active");
            s.execute("DROP PUBLICATION IF EXISTS cdcflow_h1big");
        }
    }
}
