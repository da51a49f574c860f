package io.cdcflow.capture.timestamp;

import io.cdcflow.capture.jdbc.JdbcSource;
import io.cdcflow.capture.jdbc.JdbcSources;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.jdbc.PostgresDialect;
import io.cdcflow.capture.jdbc.SourceThread;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.cdcflow.capture.jdbc.KafkaTestSupport.eventsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Timestamp-based capture from the stack's real source PostgreSQL into its real Kafka: inserts (one transaction
 * sharing a timestamp), updates and soft deletes arrive once with their images; a row whose transaction commits
 * after later rows were captured is found through the overlap window; a restarted source resumes from its
 * stored watermark without loss or repeats; bad tables fail the check with the property named.
 */
class PostgresTimestampCaptureIT {

    /** Unique per run, so that engineers running these ITs at the same time on the shared stack do not collide. */
    static final String RUN = java.util.UUID.randomUUID().toString().substring(0, 6);
    static final String SCHEMA = "capture_ts_" + RUN;
    static final String SOURCE = "itts";
    static StackEndpoints stack;

    @BeforeAll
    static void prepare() throws Exception {
        stack = Stack.up();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            for (String t : List.of("basic", "late", "restart", "reordered", "mended")) {
                s.execute("CREATE TABLE " + SCHEMA + "." + t + " (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
                        + "created_at timestamptz NOT NULL DEFAULT clock_timestamp(), updated_at timestamptz NOT NULL, deleted_at timestamptz)");
            }
            s.execute("CREATE TABLE " + SCHEMA + ".nokey (id bigint, updated_at timestamptz)");
            s.execute("CREATE TABLE " + SCHEMA + ".coarse (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
                    + "created_at timestamp(0), updated_at timestamp(0) NOT NULL, deleted_at timestamp(0))");
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
        KafkaTestSupport.deleteTopics(topic("basic"), topic("late"), topic("restart"), topic("reordered"), topic("coarse"),
                topic("mended"));
    }

    static String topic(String table) {
        return SOURCE + "." + SCHEMA + "." + table;
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"));
    }

    static JdbcSource source(String table) {
        return new JdbcSource(SOURCE, new PostgresDialect(), stack.get("CDC_SOURCE_PG_HOST"),
                Integer.parseInt(stack.get("CDC_SOURCE_PG_PORT")), stack.get("CDC_SOURCE_PG_DB"),
                stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"),
                List.of(new TableId(SCHEMA, table)), Duration.ofMillis(100), 2);
    }

    static TimestampChangeSource timestamp(String table, Path state, KafkaTestSupport kafka) {
        return new TimestampChangeSource(source(table), new TimestampChangeSource.Columns("updated_at", "deleted_at",
                Optional.of("created_at")), Duration.ofSeconds(5), io.cdcflow.capture.state.SourceStates.inFolder(state, SOURCE), kafka.publisher());
    }

    @Test
    void aRepairReadsTheTableAgainInANewGenerationAndItsSweepRemovesTheHardDeletedRows() throws Exception {
        Path state = Files.createTempDirectory("ts-repair");
        String table = SCHEMA + ".mended";
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("mended"));
             Connection c = connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(timestamp("mended", state, kafka)).awaitCapturing()) {
                for (int i = 1; i <= 5; i++) {
                    s.execute("INSERT INTO " + table + " (id, name, updated_at) VALUES (" + i + ", 'v1', clock_timestamp())");
                }
                reader.await(5);
                // A hard delete: the row is gone, nothing in the table shows it, so nothing is published.
                s.execute("DELETE FROM " + table + " WHERE id IN (2, 4)");
                s.execute("UPDATE " + table + " SET name = 'v2', updated_at = clock_timestamp() WHERE id = 5");
                reader.await(6);
            }
            io.cdcflow.capture.source.SourceGeneration.load(
                    io.cdcflow.capture.state.SourceStates.inFolder(state, SOURCE), SOURCE,
                    io.cdcflow.capture.config.CaptureStrategy.timestamp, List.of(table)).raise(List.of(table));

            try (SourceThread second = new SourceThread(timestamp("mended", state, kafka)).awaitCapturing()) {
                Map<Long, String> expected = Map.of(1L, "v1", 3L, "v1", 5L, "v2");
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> KafkaTestSupport.applyAsSinks(r, "name")
                        .equals(expected), Duration.ofSeconds(60));
                List<ChangeEvent> sweeps = KafkaTestSupport.events(records).stream().filter(e -> e.op() == Op.TRUNCATE)
                        .toList();
                assertThat(sweeps).singleElement().satisfies(e -> assertThat(e.position())
                        .isEqualTo(io.cdcflow.model.Position.floor(1)));
                // Every live row was read again in generation 1, before the sweep.
                assertThat(KafkaTestSupport.events(records).stream().filter(e -> e.op() != Op.TRUNCATE
                        && e.position().generation() == 1).map(e -> e.row().get("id").asLong()).distinct().sorted())
                        .containsExactly(1L, 3L, 5L);
            }
        }
    }

    @Test
    void insertsUpdatesAndSoftDeletesArriveOnceWithTheirImages() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("basic"));
             SourceThread run = new SourceThread(timestamp("basic", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection c = connect(); Statement s = c.createStatement()) {
            // One transaction: the three rows share updated_at = now(), so only the key orders them.
            c.setAutoCommit(false);
            s.execute("INSERT INTO " + SCHEMA + ".basic (id, name, price, created_at, updated_at) VALUES "
                    + "(1, 'one', 1.10, now(), now()), (2, 'two', 2.00, now(), now()), (3, 'three', 3.30, now(), now())");
            c.commit();
            reader.await(3);
            s.execute("UPDATE " + SCHEMA + ".basic SET name = 'uno', price = 11.05, updated_at = clock_timestamp() WHERE id = 1");
            c.commit();
            s.execute("UPDATE " + SCHEMA + ".basic SET deleted_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = 2");
            c.commit();

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(5);
            assertThat(records).hasSize(5);
            List<ChangeEvent> one = eventsOf(records, "{\"id\":1}");
            assertThat(one).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE);
            assertThat(one.get(0).after().get("price").decimalValue()).isEqualByComparingTo("1.10");
            assertThat(one.get(1).after().get("name").asText()).isEqualTo("uno");
            assertThat(one.get(1).after().get("price").decimalValue()).isEqualByComparingTo("11.05");
            assertThat(one.get(1).position().isNewerThan(one.get(0).position())).isTrue();
            assertThat(one.get(0).source().connector()).isEqualTo("timestamp");
            assertThat(one.get(0).table().qualifiedName()).isEqualTo(SOURCE + "." + SCHEMA + ".basic");
            List<ChangeEvent> two = eventsOf(records, "{\"id\":2}");
            assertThat(two).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.DELETE);
            assertThat(two.get(1).before().get("name").asText()).isEqualTo("two");
            assertThat(two.get(1).after()).isNull();
            assertThat(eventsOf(records, "{\"id\":3}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
        }
    }

    @Test
    void aRowCommittedAfterLaterRowsWereCapturedIsFoundInTheOverlapWindow() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("late"));
             SourceThread run = new SourceThread(timestamp("late", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection slow = connect(); Statement sslow = slow.createStatement();
             Connection fast = connect(); Statement sfast = fast.createStatement()) {
            slow.setAutoCommit(false);
            sslow.execute("INSERT INTO " + SCHEMA + ".late (id, name, updated_at) VALUES (10, 'slow', clock_timestamp())");
            Thread.sleep(50);
            sfast.execute("INSERT INTO " + SCHEMA + ".late (id, name, updated_at) VALUES (11, 'fast', clock_timestamp())");
            assertThat(reader.await(1)).extracting(r -> new String(r.key())).containsExactly("{\"id\":11}");
            slow.commit();
            List<ConsumerRecord<byte[], byte[]>> records = reader.await(2);
            assertThat(records).hasSize(2);
            // Positions follow the order capture read the states in: the late row was read last.
            assertThat(eventsOf(records, "{\"id\":10}").getFirst().position())
                    .isGreaterThan(eventsOf(records, "{\"id\":11}").getFirst().position());
        }
    }

    @Test
    void aRestartedSourceResumesFromItsStoredWatermark() throws Exception {
        Path state = Files.createTempDirectory("ts-it");
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("restart"));
             Connection c = connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(timestamp("restart", state, kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + SCHEMA + ".restart (id, name, updated_at) VALUES (20, 'a', clock_timestamp()), (21, 'b', clock_timestamp())");
                reader.await(2);
            }
            s.execute("INSERT INTO " + SCHEMA + ".restart (id, name, updated_at) VALUES (22, 'c', clock_timestamp())");
            s.execute("UPDATE " + SCHEMA + ".restart SET name = 'a2', updated_at = clock_timestamp() WHERE id = 20");
            try (SourceThread second = new SourceThread(timestamp("restart", state, kafka)).awaitCapturing()) {
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(4);
                // Within the overlap window, what the first run published is not published again.
                assertThat(records).hasSize(4);
                assertThat(eventsOf(records, "{\"id\":20}")).extracting(e -> e.after().get("name").asText()).containsExactly("a", "a2");
                assertThat(eventsOf(records, "{\"id\":22}")).hasSize(1);
            }
        }
    }

    @Test
    void tablesThatCannotBeCapturedFailTheCheckNamingTheProperty() {
        assertThatThrownBy(() -> JdbcSources.checkTables(source("missing"), t -> { }))
                .hasMessageContaining("cdc.capture.sources.itts.tables").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> JdbcSources.checkTables(source("nokey"), t -> { }))
                .hasMessageContaining("cdc.capture.sources.itts.tables").hasMessageContaining("no primary key");
    }

    @Test
    void aTransactionThatStartedEarlierButWroteTheRowLastWinsThoughItsNowIsEarlier() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("reordered"));
             SourceThread run = new SourceThread(timestamp("reordered", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection early = connect(); Statement searly = early.createStatement();
             Connection late = connect(); Statement slate = late.createStatement()) {
            slate.execute("INSERT INTO " + SCHEMA + ".reordered (id, name, updated_at) VALUES (1, 'first', now())");
            reader.await(1);
            early.setAutoCommit(false);
            searly.execute("SELECT now()"); // the transaction's now() is fixed here
            Thread.sleep(50);
            slate.execute("UPDATE " + SCHEMA + ".reordered SET name = 'second', updated_at = now() WHERE id = 1");
            reader.await(2);
            // Writes the row last, with the earlier now(): its state is the one the table ends with.
            searly.execute("UPDATE " + SCHEMA + ".reordered SET name = 'third', updated_at = now() WHERE id = 1");
            early.commit();

            List<ChangeEvent> events = eventsOf(reader.await(3), "{\"id\":1}");
            ChangeEvent newest = events.stream().max(java.util.Comparator.comparing(ChangeEvent::position)).orElseThrow();
            assertThat(newest.after().get("name").asText()).isEqualTo("third");
            assertThat(events).extracting(e -> e.after().get("name").asText()).containsExactly("first", "second", "third");
        }
    }

    @Test
    void twoStatesOfARowWithinOneSecondOfACoarseTimestampAreBothPublishedInOrder() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("coarse"));
             SourceThread run = new SourceThread(timestamp("coarse", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + SCHEMA + ".coarse (id, name, updated_at) VALUES (1, 'a', '2030-01-01 00:00:00')");
            reader.await(1);
            s.execute("UPDATE " + SCHEMA + ".coarse SET name = 'b', updated_at = '2030-01-01 00:00:00' WHERE id = 1");

            List<ChangeEvent> events = eventsOf(reader.await(2), "{\"id\":1}");
            assertThat(events).extracting(e -> e.after().get("name").asText()).containsExactly("a", "b");
            assertThat(events.get(1).position()).isGreaterThan(events.get(0).position());
        }
    }
}
