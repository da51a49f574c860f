package io.cdcflow.capture.timestamp;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.jdbc.MariaDbTestSupport;
import io.cdcflow.capture.jdbc.SourceThread;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.cdcflow.capture.jdbc.KafkaTestSupport.eventsOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Timestamp-based capture from the stack's real MariaDB into its real Kafka: inserts sharing a timestamp,
 * updates and soft deletes arrive once with their images, whatever the writer's time zone; a row committed
 * after later rows were captured is found through the overlap window; a restart resumes from the stored
 * watermark without loss or repeats.
 */
class MariaDbTimestampCaptureIT {

    static final String SOURCE = "itmyts";
    /** Unique per run, so that engineers running these ITs at the same time on the shared stack do not collide. */
    static final String RUN = java.util.UUID.randomUUID().toString().substring(0, 6);
    static final String PREFIX = "capture_ts_" + RUN + "_";
    static String db;

    @BeforeAll
    static void prepare() throws Exception {
        db = Stack.up().get("CDC_MARIADB_DB");
        try (Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            for (String t : List.of("basic", "late", "restart", "reordered", "evolving")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + t);
                s.execute("CREATE TABLE " + PREFIX + t + " (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        + "price DECIMAL(10,2), created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                        + "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), deleted_at TIMESTAMP(6) NULL, KEY (updated_at, id))");
            }
            s.execute("DROP TABLE IF EXISTS " + PREFIX + "coarse");
            s.execute("CREATE TABLE " + PREFIX + "coarse (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, price DECIMAL(10,2), "
                    + "created_at TIMESTAMP NULL, updated_at TIMESTAMP NOT NULL, deleted_at TIMESTAMP NULL, KEY (updated_at, id))");
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            for (String t : List.of("basic", "late", "restart", "reordered", "coarse", "evolving")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + t);
            }
        }
        KafkaTestSupport.deleteTopics(topic("basic"), topic("late"), topic("restart"), topic("reordered"), topic("coarse"),
                topic("evolving"));
    }

    static String topic(String table) {
        return SOURCE + "." + db + "." + PREFIX + table;
    }

    static TimestampChangeSource timestamp(String table, Path state, KafkaTestSupport kafka) {
        return new TimestampChangeSource(MariaDbTestSupport.source(SOURCE, PREFIX + table),
                new TimestampChangeSource.Columns("updated_at", "deleted_at", Optional.of("created_at")),
                Duration.ofSeconds(5), io.cdcflow.capture.state.SourceStates.inFolder(state, SOURCE), kafka.publisher());
    }

    @Test
    void insertsUpdatesAndSoftDeletesArriveOnceWithTheirImages() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("basic"));
             SourceThread run = new SourceThread(timestamp("basic", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+05:00'");
            c.setAutoCommit(false);
            s.execute("SET @t = NOW(6)");
            s.execute("INSERT INTO " + PREFIX + "basic (id, name, price, created_at, updated_at) VALUES "
                    + "(1, 'one', 1.10, @t, @t), (2, 'two', 2.00, @t, @t), (3, 'three', 3.30, @t, @t)");
            c.commit();
            reader.await(3);
            s.execute("UPDATE " + PREFIX + "basic SET name = 'uno', price = 11.05, updated_at = SYSDATE(6) WHERE id = 1");
            c.commit();
            s.execute("UPDATE " + PREFIX + "basic SET deleted_at = SYSDATE(6), updated_at = SYSDATE(6) WHERE id = 2");
            c.commit();

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(5);
            assertThat(records).hasSize(5);
            List<ChangeEvent> one = eventsOf(records, "{\"id\":1}");
            assertThat(one).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE);
            assertThat(one.get(0).after().get("price").decimalValue()).isEqualByComparingTo("1.10");
            assertThat(one.get(1).after().get("name").asText()).isEqualTo("uno");
            assertThat(one.get(1).position().isNewerThan(one.get(0).position())).isTrue();
            // The position is the instant, whatever the writer's zone: within a minute of now.
            assertThat(Math.abs(one.get(0).position().major() / 1000 - System.currentTimeMillis())).isLessThan(60_000);
            assertThat(one.get(0).source().connector()).isEqualTo("timestamp");
            List<ChangeEvent> two = eventsOf(records, "{\"id\":2}");
            assertThat(two).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.DELETE);
            assertThat(two.get(1).before().get("name").asText()).isEqualTo("two");
            assertThat(eventsOf(records, "{\"id\":3}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
        }
    }

    @Test
    void aRowCommittedAfterLaterRowsWereCapturedIsFoundInTheOverlapWindow() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("late"));
             SourceThread run = new SourceThread(timestamp("late", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection slow = MariaDbTestSupport.connect(); Statement sslow = slow.createStatement();
             Connection fast = MariaDbTestSupport.connect(); Statement sfast = fast.createStatement()) {
            slow.setAutoCommit(false);
            sslow.execute("INSERT INTO " + PREFIX + "late (id, name, updated_at) VALUES (10, 'slow', SYSDATE(6))");
            Thread.sleep(50);
            sfast.execute("INSERT INTO " + PREFIX + "late (id, name, updated_at) VALUES (11, 'fast', SYSDATE(6))");
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
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(timestamp("restart", state, kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + PREFIX + "restart (id, name, updated_at) VALUES (20, 'a', SYSDATE(6)), (21, 'b', SYSDATE(6))");
                reader.await(2);
            }
            s.execute("INSERT INTO " + PREFIX + "restart (id, name, updated_at) VALUES (22, 'c', SYSDATE(6))");
            s.execute("UPDATE " + PREFIX + "restart SET name = 'a2', updated_at = SYSDATE(6) WHERE id = 20");
            try (SourceThread second = new SourceThread(timestamp("restart", state, kafka)).awaitCapturing()) {
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(4);
                assertThat(records).hasSize(4);
                assertThat(eventsOf(records, "{\"id\":20}")).extracting(e -> e.after().get("name").asText()).containsExactly("a", "a2");
                assertThat(eventsOf(records, "{\"id\":22}")).hasSize(1);
            }
        }
    }

    @Test
    void aWriterWhoseClockIsBehindButWroteTheRowLastWins() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("reordered"));
             SourceThread run = new SourceThread(timestamp("reordered", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection early = MariaDbTestSupport.connect(); Statement searly = early.createStatement();
             Connection late = MariaDbTestSupport.connect(); Statement slate = late.createStatement()) {
            slate.execute("INSERT INTO " + PREFIX + "reordered (id, name, updated_at) VALUES (1, 'first', NOW(6))");
            reader.await(1);
            early.setAutoCommit(false);
            searly.execute("SET @started = NOW(6)"); // an application stamping its transaction's start time
            Thread.sleep(50);
            slate.execute("UPDATE " + PREFIX + "reordered SET name = 'second', updated_at = NOW(6) WHERE id = 1");
            reader.await(2);
            searly.execute("UPDATE " + PREFIX + "reordered SET name = 'third', updated_at = @started WHERE id = 1");
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
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + PREFIX + "coarse (id, name, updated_at) VALUES (1, 'a', '2030-01-01 00:00:00')");
            reader.await(1);
            s.execute("UPDATE " + PREFIX + "coarse SET name = 'b', updated_at = '2030-01-01 00:00:00' WHERE id = 1");

            List<ChangeEvent> events = eventsOf(reader.await(2), "{\"id\":1}");
            assertThat(events).extracting(e -> e.after().get("name").asText()).containsExactly("a", "b");
            assertThat(events.get(1).position()).isGreaterThan(events.get(0).position());
        }
    }

    /**
     * The polling query names the table's columns: an added column is in the next change's image and a dropped or
     * renamed one never fails the poll, without a restart.
     */
    @Test
    void ddlOnAPolledTableReshapesItsEventsWithoutARestart() throws Exception {
        String table = PREFIX + "evolving";
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("evolving"));
             SourceThread run = new SourceThread(timestamp("evolving", Files.createTempDirectory("ts-it"), kafka)).awaitCapturing();
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " (id, name, price) VALUES (1, 'one', 1.10)");
            reader.await(1);
            s.execute("ALTER TABLE " + table + " ADD COLUMN tier VARCHAR(10) NULL");
            s.execute("UPDATE " + table + " SET tier = 'gold', updated_at = SYSDATE(6) WHERE id = 1");
            reader.await(2);
            s.execute("ALTER TABLE " + table + " DROP COLUMN price");
            s.execute("ALTER TABLE " + table + " RENAME COLUMN name TO title");
            s.execute("UPDATE " + table + " SET title = 'uno', updated_at = SYSDATE(6) WHERE id = 1");

            List<ChangeEvent> one = eventsOf(reader.await(3), "{\"id\":1}");
            assertThat(one).hasSize(3);
            assertThat(one.get(1).after().get("tier").asText()).isEqualTo("gold");
            assertThat(one.get(2).after().get("title").asText()).isEqualTo("uno");
            assertThat(one.get(2).after().has("price")).as("a dropped column").isFalse();
            assertThat(one.get(2).position().isNewerThan(one.get(1).position())).isTrue();
        }
    }
}
