package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.JdbcSource;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.jdbc.MariaDbTestSupport;
import io.cdcflow.capture.jdbc.SourceThread;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.cdcflow.capture.jdbc.KafkaTestSupport.eventsOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trigger-based capture from the stack's real MariaDB into its real Kafka: every change arrives once with its
 * images and a per-row increasing {@code seq}; a transaction holding a low {@code seq} open while later ones are
 * captured is still captured when it commits; a stopped source resumes where it stopped; uninstall removes
 * the triggers.
 */
class MariaDbTriggerCaptureIT {

    static final String SOURCE = "itmytrg";
    /** Unique per run, so that engineers running these ITs at the same time on the shared stack do not collide. */
    static final String RUN = java.util.UUID.randomUUID().toString().substring(0, 6);
    static final String PREFIX = "capture_trg_" + RUN + "_";
    static String db;

    @BeforeAll
    static void prepare() throws Exception {
        db = Stack.up().get("CDC_MARIADB_DB");
        MariaDbTestSupport.allowTriggers();
        try (Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            // The source's snapshot progress is kept in the database (TriggerStateTable): a rerun starts without it.
            s.execute(new TriggerStateTable(new io.cdcflow.capture.jdbc.MariaDbDialect(true), db, SOURCE, null).createStatement());
            s.execute("DELETE FROM " + TriggerStateTable.TABLE + " WHERE source = '" + SOURCE + "'");
            for (String t : List.of("basic", "held", "restart", "seeded", "rekeyed", "kept")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + t);
                s.execute("CREATE TABLE " + PREFIX + t + " (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                        + "price DECIMAL(10,2), added DATE, seen TIMESTAMP(6) NULL, at DATETIME(6), flag BOOLEAN, doc JSON, raw VARBINARY(10))");
            }
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            for (String t : List.of("basic", "held", "restart", "seeded", "rekeyed", "kept")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + t);
            }
            for (String t : List.of("evolving", "keyrenamed")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + t);
            }
            s.execute("DELETE FROM cdc_changelog WHERE table_name LIKE '" + PREFIX + "%'");
        }
        KafkaTestSupport.deleteTopics(topic("basic"), topic("held"), topic("restart"), topic("seeded"), topic("rekeyed"),
                topic("kept"), topic("evolving"), topic("keyrenamed"));
    }

    static String topic(String table) {
        return SOURCE + "." + db + "." + PREFIX + table;
    }

    static TriggerChangeSource trigger(String table, KafkaTestSupport kafka) {
        JdbcSource source = MariaDbTestSupport.source(SOURCE, PREFIX + table);
        return new TriggerChangeSource(source, ChangeLog.of(source.dialect(), db), true, Duration.ofDays(1), false,
                tempState(), kafka.publisher());
    }

    static long changeLogRows(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM cdc_changelog WHERE table_name = '" + PREFIX + table + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void insertsUpdatesDeletesAndATransactionArriveOnceWithTheirImages() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("basic"));
             SourceThread run = new SourceThread(trigger("basic", kafka)).awaitCapturing();
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+02:00'"); // the writer's zone must not matter
            c.setAutoCommit(false);
            s.execute("INSERT INTO " + PREFIX + "basic VALUES "
                    + "(1, 'one', 1.10, '2024-01-02', '2024-01-02 10:00:00.123456', '2024-01-02 10:00:00.5', true, '{\"k\": [1, 2]}', x'0102'), "
                    + "(2, 'two', 2.00, null, null, null, null, null, null), (3, 'three', 3.30, null, null, null, null, null, null)");
            c.commit();
            s.execute("UPDATE " + PREFIX + "basic SET name = 'uno', price = 11.05 WHERE id = 1");
            c.commit();
            s.execute("UPDATE " + PREFIX + "basic SET name = name WHERE id = 3"); // changes nothing: not logged
            c.commit();
            s.execute("DELETE FROM " + PREFIX + "basic WHERE id = 2");
            c.commit();

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(5);
            assertThat(records).hasSize(5);
            List<ChangeEvent> one = eventsOf(records, "{\"id\":1}");
            assertThat(one).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE);
            ChangeEvent insert = one.get(0);
            assertThat(insert.before()).isNull();
            assertThat(insert.after().get("price").decimalValue()).isEqualByComparingTo("1.10");
            assertThat(insert.after().get("added").asInt()).isEqualTo(19724);
            assertThat(insert.after().get("seen").asText()).isEqualTo("2024-01-02T08:00:00.123456Z");
            assertThat(insert.after().get("at").asLong()).isEqualTo(1704189600500000L);
            assertThat(insert.after().get("flag").asBoolean()).isTrue();
            assertThat(Json.mapper().readTree(insert.after().get("doc").asText()).get("k").toString()).isEqualTo("[1,2]");
            assertThat(insert.after().get("raw").asText()).isEqualTo("AQI=");
            assertThat(insert.source().connector()).isEqualTo("trigger");
            assertThat(insert.source().db()).isEqualTo(db);
            assertThat(insert.table().qualifiedName()).isEqualTo(SOURCE + "." + db + "." + PREFIX + "basic");
            ChangeEvent update = one.get(1);
            assertThat(update.before().get("name").asText()).isEqualTo("one");
            assertThat(update.after().get("name").asText()).isEqualTo("uno");
            assertThat(update.after().get("price").decimalValue()).isEqualByComparingTo("11.05");
            assertThat(update.position().isNewerThan(insert.position())).isTrue();
            List<ChangeEvent> two = eventsOf(records, "{\"id\":2}");
            assertThat(two).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.DELETE);
            assertThat(two.get(1).before().get("name").asText()).isEqualTo("two");
            assertThat(eventsOf(records, "{\"id\":3}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
            c.setAutoCommit(true);
            assertThat(changeLogRows(s, "basic")).isZero();
        }
    }

    @Test
    void aTransactionThatCommitsAfterLaterSequencesWereCapturedIsNotMissed() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("held"));
             SourceThread run = new SourceThread(trigger("held", kafka)).awaitCapturing();
             Connection slow = MariaDbTestSupport.connect(); Statement sslow = slow.createStatement();
             Connection fast = MariaDbTestSupport.connect(); Statement sfast = fast.createStatement()) {
            slow.setAutoCommit(false);
            sslow.execute("INSERT INTO " + PREFIX + "held (id, name) VALUES (10, 'slow')");
            sfast.execute("INSERT INTO " + PREFIX + "held (id, name) VALUES (11, 'fast')");
            sfast.execute("INSERT INTO " + PREFIX + "held (id, name) VALUES (12, 'faster')");
            List<ConsumerRecord<byte[], byte[]>> before = reader.await(2);
            assertThat(before).extracting(r -> new String(r.key())).containsExactlyInAnyOrder("{\"id\":11}", "{\"id\":12}");
            slow.commit();
            List<ConsumerRecord<byte[], byte[]>> after = reader.await(3);
            assertThat(after).hasSize(3);
            ChangeEvent late = eventsOf(after, "{\"id\":10}").getFirst();
            assertThat(late.after().get("name").asText()).isEqualTo("slow");
            assertThat(late.position()).isLessThan(eventsOf(after, "{\"id\":11}").getFirst().position());
        }
    }

    @Test
    void rowsThatPredateTheTriggersArriveAsSnapshotReads() throws Exception {
        try (Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
            for (int i = 1; i <= 25; i++) {
                s.execute("INSERT INTO " + PREFIX + "seeded (id, name, seen) VALUES (" + i + ", 'seed-" + i + "', '2024-01-02 03:04:05.5')");
            }
        }
        java.nio.file.Path state = java.nio.file.Files.createTempDirectory("trigger-snapshot-my");
        JdbcSource source = MariaDbTestSupport.source(SOURCE, PREFIX + "seeded"); // chunks of 2 rows
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("seeded"));
             SourceThread run = new SourceThread(new TriggerChangeSource(source, ChangeLog.of(source.dialect(), db), true,
                     Duration.ofDays(1), true, state, kafka.publisher())).awaitCapturing();
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE " + PREFIX + "seeded SET name = 'changed' WHERE id = 24");
            s.execute("DELETE FROM " + PREFIX + "seeded WHERE id = 25");
            List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> r.stream()
                    .filter(x -> KafkaTestSupport.events(List.of(x)).getFirst().op() == Op.READ).count() >= 23, Duration.ofSeconds(60));
            Map<Long, String> expected = PostgresTriggerCaptureIT.rowsOf(s, PREFIX + "seeded");
            assertThat(PostgresTriggerCaptureIT.applyByPosition(records)).isEqualTo(expected);
            ChangeEvent first = eventsOf(records, "{\"id\":1}").getFirst();
            assertThat(first.op()).isEqualTo(Op.READ);
            assertThat(first.position()).isEqualTo(io.cdcflow.model.Position.SNAPSHOT);
            assertThat(first.after().get("seen").asText()).isEqualTo("2024-01-02T03:04:05.5Z");
        }
    }

    @Test
    void aRestartedSourceResumesWithoutLossAndUninstallRemovesTheTriggers() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("restart"));
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(trigger("restart", kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + PREFIX + "restart (id, name) VALUES (20, 'a')");
                reader.await(1);
            }
            s.execute("INSERT INTO " + PREFIX + "restart (id, name) VALUES (21, 'b')");
            s.execute("UPDATE " + PREFIX + "restart SET name = 'a2' WHERE id = 20");
            assertThat(changeLogRows(s, "restart")).isEqualTo(2);
            try (SourceThread second = new SourceThread(trigger("restart", kafka)).awaitCapturing()) {
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(3);
                assertThat(records).hasSize(3);
                assertThat(eventsOf(records, "{\"id\":20}")).extracting(e -> e.after().get("name").asText()).containsExactly("a", "a2");
            }
            JdbcSource source = MariaDbTestSupport.source(SOURCE, PREFIX + "restart");
            ChangeLog log = ChangeLog.of(source.dialect(), db);
            assertThat(log.installed(c, source.tables())).isTrue();
            log.checkCanInstall(c, source.tables()); // log_bin_trust_function_creators is on (allowTriggers)
            log.uninstall(c, source.tables(), false);
            assertThat(log.installed(c, source.tables())).isFalse();
            s.execute("INSERT INTO " + PREFIX + "restart (id, name) VALUES (22, 'c')");
            assertThat(changeLogRows(s, "restart")).isZero();
            s.execute("INSERT INTO cdc_changelog (schema_name, table_name, op, after_image, changed_at) "
                    + "VALUES ('" + db + "', '" + PREFIX + "restart', 'c', '{\"id\": 23}', NOW(6) - INTERVAL 2 HOUR)");
            s.execute("INSERT INTO cdc_changelog (schema_name, table_name, op, after_image) "
                    + "VALUES ('" + db + "', '" + PREFIX + "restart', 'c', '{\"id\": 24}')");
            assertThat(log.expire(c, Duration.ofHours(1))).isEqualTo(1);
            assertThat(changeLogRows(s, "restart")).isEqualTo(1);
        }
    }

    @Test
    void anUpdateOfThePrimaryKeyIsADeleteOfTheOldKeyAndACreateOfTheNewOne() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("rekeyed"));
             SourceThread run = new SourceThread(trigger("rekeyed", kafka)).awaitCapturing();
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + PREFIX + "rekeyed (id, name) VALUES (1, 'one')");
            s.execute("UPDATE " + PREFIX + "rekeyed SET id = 2 WHERE id = 1");

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(3);
            assertThat(eventsOf(records, "{\"id\":1}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.DELETE);
            assertThat(eventsOf(records, "{\"id\":2}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
            assertThat(eventsOf(records, "{\"id\":2}").getFirst().after().get("name").asText()).isEqualTo("one");
        }
    }

    @Test
    void aStartLeavesWorkingTriggersAloneAndAChangeLogNumbersAboveWhatWasPublished() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("kept"));
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(trigger("kept", kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + PREFIX + "kept (id, name) VALUES (1, 'one')");
                reader.await(1);
            }
            java.util.Map<String, String> created = triggerCreationTimes(s, "kept");
            assertThat(created).hasSize(3);
            Thread.sleep(1100); // CREATED has a resolution of 10 ms at best; a re-created trigger would differ
            try (SourceThread second = new SourceThread(trigger("kept", kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + PREFIX + "kept (id, name) VALUES (2, 'two')");
                reader.await(2);
            }
            assertThat(triggerCreationTimes(s, "kept")).isEqualTo(created);

            // A change log numbering below what was published (a restore) is raised above it.
            ChangeLog log = ChangeLog.of(new io.cdcflow.capture.jdbc.MariaDbDialect(true), db);
            long highest;
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM cdc_changelog")) {
                rs.next();
                highest = rs.getLong(1) + 1_000_000;
            }
            assertThat(log.raiseSequenceAbove(c, highest)).isTrue();
            assertThat(log.raiseSequenceAbove(c, highest - 10)).isFalse();
            s.execute("INSERT INTO " + PREFIX + "kept (id, name) VALUES (3, 'three')");
            try (ResultSet rs = s.executeQuery("SELECT MAX(seq) FROM cdc_changelog WHERE table_name = '" + PREFIX + "kept'")) {
                rs.next();
                assertThat(rs.getLong(1)).isGreaterThan(highest);
            }
        }
    }

    /**
     * Ordinary DDL on a live table while another connection keeps writing: no application write fails (the triggers
     * name the table's columns, and a dropped or renamed one must not break them), capture regenerates the triggers,
     * and the events, applied by position, hold every row and column the table holds.
     */
    @Test
    void ddlOnALiveTableNeverFailsAnApplicationWriteAndTheEventsFollowItRowByRow() throws Exception {
        String table = PREFIX + "evolving";
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("evolving"));
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT NOT NULL, "
                    + "note VARCHAR(20))");
            for (int i = 1; i <= 10; i++) {
                s.execute("INSERT INTO " + table + " VALUES (" + i + ", 'n" + i + "', 0, 'note')");
            }
            try (SourceThread run = new SourceThread(trigger("evolving", kafka)).awaitCapturing()) {
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
                java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
                Thread writer = Thread.ofPlatform().start(() -> {
                    try (Connection w = MariaDbTestSupport.connect(); Statement ws = w.createStatement()) {
                        while (!stop.get()) {
                            ws.execute("UPDATE " + table + " SET qty = qty + 1 WHERE id = "
                                    + (1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10)));
                            writes.incrementAndGet();
                            Thread.sleep(5);
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                try {
                    for (String ddl : List.of(
                            "ALTER TABLE " + table + " ADD COLUMN tier VARCHAR(10) NULL",
                            "ALTER TABLE " + table + " ADD COLUMN score INT NOT NULL DEFAULT 7",
                            "ALTER TABLE " + table + " DROP COLUMN note",
                            "ALTER TABLE " + table + " RENAME COLUMN name TO title",
                            "ALTER TABLE " + table + " MODIFY qty BIGINT NOT NULL",
                            "ALTER TABLE " + table + " MODIFY title VARCHAR(40) NULL")) {
                        s.execute(ddl);
                        Thread.sleep(150); // writes under the old triggers, before capture regenerates them
                    }
                    s.execute("UPDATE " + table + " SET tier = CONCAT('t', id), score = score + id");
                    s.execute("INSERT INTO " + table + " (id, title, qty, tier) VALUES (11, 'eleven', 1, 'new')");
                    s.execute("DELETE FROM " + table + " WHERE id = 3");
                } finally {
                    stop.set(true);
                    writer.join();
                }
                assertThat(failure.get()).as("the application's writes during the DDL").isNull();
                assertThat(writes.get()).isPositive();

                Map<String, Map<Long, String>> expected = new java.util.TreeMap<>();
                for (String column : List.of("title", "qty", "tier", "score")) {
                    expected.put(column, new java.util.TreeMap<>());
                    try (ResultSet rs = s.executeQuery("SELECT id, " + column + " FROM " + table)) {
                        while (rs.next()) {
                            expected.get(column).put(rs.getLong(1), rs.getString(2));
                        }
                    }
                }
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> expected.keySet().stream().allMatch(
                        column -> applied(r, column).equals(expected.get(column))), Duration.ofSeconds(60));
                for (String column : expected.keySet()) {
                    assertThat(applied(records, column)).as(column).isEqualTo(expected.get(column));
                }
                assertThat(changeLogRows(s, "evolving")).as("published and deleted").isZero();
            }
            try (ResultSet rs = s.executeQuery("SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS "
                    + "WHERE EVENT_OBJECT_TABLE = '" + table + "' AND ACTION_TIMING = 'AFTER' AND EVENT_MANIPULATION = 'UPDATE'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the regenerated trigger").contains("`title`").doesNotContain("`note`");
            }
        }
    }

    /** What a sink holds for a column after applying the records by position: id to value, rows lacking it left out. */
    private static Map<Long, String> applied(List<ConsumerRecord<byte[], byte[]>> records, String column) {
        try {
            return new java.util.TreeMap<>(KafkaTestSupport.applyAsSinks(records, column));
        } catch (NullPointerException e) {
            return Map.of(); // a row whose last event predates the column
        }
    }

    /**
     * A renamed key column: the triggers can log neither the row nor its key, yet the write succeeds; capture reads the
     * table again in a new generation, keyed by the new column, and sweeps what it no longer holds.
     */
    @Test
    void aRenamedKeyColumnNeverFailsAWriteAndTheTableIsReadAgainInANewGeneration() throws Exception {
        String table = PREFIX + "keyrenamed";
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("keyrenamed"));
             Connection c = MariaDbTestSupport.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
            try (SourceThread run = new SourceThread(trigger("keyrenamed", kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b')");
                reader.await(2);
                s.execute("ALTER TABLE " + table + " RENAME COLUMN id TO rid");
                s.execute("UPDATE " + table + " SET name = 'b2' WHERE rid = 2");
                s.execute("DELETE FROM " + table + " WHERE rid = 1");

                List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> KafkaTestSupport.events(r).stream()
                        .anyMatch(e -> e.op() == Op.TRUNCATE), Duration.ofSeconds(60));
                List<ChangeEvent> reads = eventsOf(records, "{\"rid\":2}");
                assertThat(reads).extracting(ChangeEvent::op).containsExactly(Op.READ);
                assertThat(reads.getFirst().after().get("name").asText()).isEqualTo("b2");
                assertThat(eventsOf(records, "{\"rid\":1}")).as("deleted before the read").isEmpty();
                ChangeEvent sweep = KafkaTestSupport.events(records).stream().filter(e -> e.op() == Op.TRUNCATE)
                        .findFirst().orElseThrow();
                assertThat(sweep.position().isNewerThan(eventsOf(records, "{\"id\":1}").getLast().position()))
                        .as("the sweep removes the rows under the old key").isTrue();
                assertThat(changeLogRows(s, "keyrenamed")).isZero();
            }
        }
    }

    private static java.util.Map<String, String> triggerCreationTimes(Statement s, String table) throws Exception {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (ResultSet rs = s.executeQuery("SELECT TRIGGER_NAME, CREATED FROM information_schema.TRIGGERS "
                + "WHERE EVENT_OBJECT_TABLE = '" + PREFIX + table + "'")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** A state folder of its own for a source of one test. */
    static java.nio.file.Path tempState() {
        try {
            return java.nio.file.Files.createTempDirectory("trigger-state");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
