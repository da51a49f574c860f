package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.source.PackagedCapture;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One transaction of many narrow rows streams through capture-service with a small heap, and survives a fault in
 * its middle: the packaged service ({@code target/quarkus-app}) runs in its own JVM with {@code -Xmx128m} and
 * captures a log-based PostgreSQL source; one {@code INSERT ... SELECT generate_series} commits the rows at once;
 * when a third of them are in Kafka either the service is killed ({@code kill -9}) and started again on the same
 * offsets, or the source PostgreSQL is stopped and started again under the running service (which reconnects and
 * reads the transaction again from its start, since its commit was never confirmed); every row must then be in
 * Kafka (each id at least once, no other) and the service alive. Prints the times, the re-deliveries and the
 * service's peak RSS over the whole run.
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

    private static final String SOURCE = "largetx";
    private static final String TOPIC = SOURCE + ".large_tx.rows";

    /**
     * What happens when a third of the transaction is in Kafka, to the service running on {@code state} with the
     * {@code source} properties; returns the service that goes on.
     */
    private interface Fault {
        PackagedCapture inject(PackagedCapture service, Path state, Map<String, String> source) throws Exception;
    }

    @Test
    void oneHugeTransactionReachesKafkaWithBoundedMemoryThroughACrashOfCapture() throws Exception {
        run("capture killed (-9) and restarted", (service, state, source) -> {
            service.kill();
            return PackagedCapture.start("largetx", state, source, "-Xmx128m", "-XX:+UseSerialGC");
        });
    }

    @Test
    void oneHugeTransactionReachesKafkaWithBoundedMemoryThroughARestartOfTheSourceDatabase() throws Exception {
        run("source PostgreSQL stopped and started under the running capture", (service, state, source) -> {
            Stack.stop("pg-source");
            Stack.start("pg-source");
            return service;
        });
    }

    private void run(String fault, Fault inject) throws Exception {
        int rows = Integer.getInteger("cdc.it.large-tx-rows", 100_000);
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            PostgresSourceResource.dropSlotAndPublication(s, "cdcflow_largetx");
            s.execute("DROP SCHEMA IF EXISTS large_tx CASCADE");
            s.execute("CREATE SCHEMA large_tx");
            s.execute("CREATE TABLE large_tx.rows (id bigint PRIMARY KEY, v int NOT NULL)");
            s.execute("ALTER TABLE large_tx.rows REPLICA IDENTITY FULL");
        }
        KafkaTestSupport.deleteTopics(TOPIC, SOURCE + ".transaction");

        Path state = Files.createTempDirectory("capture-largetx");
        String p = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> source = Map.of(
                p + "kind", "postgresql", p + "host", stack.get("CDC_SOURCE_PG_HOST"), p + "port", stack.get("CDC_SOURCE_PG_PORT"),
                p + "database", stack.get("CDC_SOURCE_PG_DB"), p + "user", stack.get("CDC_SOURCE_PG_USER"),
                p + "password", stack.get("CDC_SOURCE_PG_PASSWORD"), p + "tables", "large_tx.rows",
                p + "log.signal-table", "large_tx.cdcflow_signal", p + "log.snapshot-mode", "no_data");
        PackagedCapture service = PackagedCapture.start("largetx", state, source, "-Xmx128m", "-XX:+UseSerialGC");
        Path log = service.log();
        try {
            PostgresSourceResource.awaitActiveSlot("cdcflow_largetx", Duration.ofSeconds(90));
            long started = System.nanoTime();
            try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO large_tx.rows SELECT g, g FROM generate_series(1, " + rows + ") g");
                c.commit();
            }
            long committed = System.nanoTime();
            long peakRss = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120 + rows / 2_000).toNanos();
            try (TestKafka kafka = TestKafka.of(stack); KafkaConsumer<byte[], byte[]> consumer =
                    kafka.subscribe(TOPIC, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000))) {
                // The fault once a third of the transaction is in Kafka.
                long beforeKill = 0;
                while (beforeKill < rows / 3 && System.nanoTime() < deadline && service.isAlive()) {
                    peakRss = Math.max(peakRss, service.rssHighWaterKb());
                    beforeKill = kafka.endOffsets(TOPIC).values().stream().mapToLong(Long::longValue).sum();
                    Thread.sleep(100);
                }
                assertThat(beforeKill).as("the kill lands in the middle of the transaction's publication; see " + log)
                        .isBetween((long) rows / 3, (long) rows - 1);
                peakRss = Math.max(peakRss, service.rssHighWaterKb());
                long killed = System.nanoTime();
                service = inject.inject(service, state, source);

                // Every row's change is in Kafka at least once, none of another row.
                java.util.BitSet seen = new java.util.BitSet(rows + 1);
                long read = 0;
                while (seen.cardinality() < rows && System.nanoTime() < deadline && service.isAlive()) {
                    peakRss = Math.max(peakRss, service.rssHighWaterKb());
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        long id = idOf(r.key());
                        assertThat(id).as("a row of the transaction").isBetween(1L, (long) rows);
                        seen.set((int) id);
                        read++;
                    }
                }
                peakRss = Math.max(peakRss, service.rssHighWaterKb());
                assertThat(service.isAlive()).as("the service is still running (no OutOfMemoryError); see " + log).isTrue();
                assertThat(seen.cardinality()).as("rows of the transaction in Kafka after the restart").isEqualTo(rows);
                System.out.printf("large transaction: %d rows committed in %.1f s; %s with %d in Kafka; all rows in "
                                + "Kafka %.1f s after the commit (%.1f s after the fault), %d events read (%d re-delivered); "
                                + "capture-service -Xmx128m peak RSS %d MB%n", rows,
                        (committed - started) / 1e9, fault, beforeKill, (System.nanoTime() - committed) / 1e9,
                        (System.nanoTime() - killed) / 1e9, read, read - rows, peakRss / 1024);
            }
        } finally {
            service.close();
            dropSlot();
            // The rows and their events are large: leave nothing behind on the shared servers.
            try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS large_tx CASCADE");
            }
            KafkaTestSupport.deleteTopics(TOPIC, SOURCE + ".transaction");
        }
    }

    private static long idOf(byte[] key) {
        Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(new String(key));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** An inactive slot keeps WAL on the shared server forever: drop it (and its publication) once capture stopped. */
    private static void dropSlot() throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdcflow_largetx' AND active");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'cdcflow_largetx' AND NOT active");
            s.execute("DROP PUBLICATION IF EXISTS cdcflow_largetx");
        }
    }
}
