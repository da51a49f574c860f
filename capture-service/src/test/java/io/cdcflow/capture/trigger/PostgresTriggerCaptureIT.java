package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.JdbcSource;
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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.cdcflow.capture.jdbc.KafkaTestSupport.eventsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Trigger-based capture from the stack's real source PostgreSQL into its real Kafka: every change arrives once
 * with its images and a per-row increasing {@code seq}; a transaction holding a low {@code seq} open while later
 * ones are captured is still captured when it commits; a stopped source resumes where it stopped; the change
 * log is emptied as changes are published; uninstalling removes the triggers.
 */
class PostgresTriggerCaptureIT {

    /** Unique per run, so that engineers running these ITs at the same time on the shared stack do not collide. */
    static final String RUN = java.util.UUID.randomUUID().toString().substring(0, 6);
    static final String SCHEMA = "capture_trg_" + RUN;
    static final String LOG_SCHEMA = SCHEMA + "_log";
    static final String SOURCE = "ittrg";
    /** A source of its own, whose snapshot progress no other test writes. */
    static final String LEGACY_SOURCE = "ittrglegacy";
    static StackEndpoints stack;

    @BeforeAll
    static void prepare() throws Exception {
        stack = Stack.up();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + LOG_SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            for (String t : List.of("basic", "held", "restart", "truncated", "rekeyed", "epoch", "mended", "reshaped", "legacy")) {
                s.execute("CREATE TABLE " + SCHEMA + "." + t + " (id bigint PRIMARY KEY, name text NOT NULL, "
                        + "price numeric(10,2), added date, seen timestamptz, at timestamp, tags text[], doc jsonb, raw bytea)");
            }
            // A serial key, as application tables often have (the catalog calls its type bigserial).
            s.execute("CREATE TABLE " + SCHEMA + ".seeded (id bigserial PRIMARY KEY, name text NOT NULL)");
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + LOG_SCHEMA + " CASCADE");
        }
        KafkaTestSupport.deleteTopics(topic("basic"), topic("held"), topic("restart"), topic("truncated"), topic("seeded"),
                topic("rekeyed"), topic("epoch"), LEGACY_SOURCE + "." + SCHEMA + ".legacy");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + LOG_SCHEMA + "_epoch CASCADE");
        }
    }

    static String topic(String table) {
        return SOURCE + "." + SCHEMA + "." + table;
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"));
    }

    static JdbcSource source(String table) {
        return source(table, 2);
    }

    /** A source over one table of this run's schema, reading {@code batchSize} changes (or snapshot rows) a step. */
    static JdbcSource source(String table, int batchSize) {
        return new JdbcSource(SOURCE, new PostgresDialect(), stack.get("CDC_SOURCE_PG_HOST"),
                Integer.parseInt(stack.get("CDC_SOURCE_PG_PORT")), stack.get("CDC_SOURCE_PG_DB"),
                stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"),
                List.of(new TableId(SCHEMA, table)), Duration.ofMillis(100), batchSize);
    }

    static TriggerChangeSource trigger(String table, KafkaTestSupport kafka) {
        JdbcSource source = source(table);
        return new TriggerChangeSource(source, ChangeLog.of(source.dialect(), LOG_SCHEMA), true, Duration.ofDays(1), false,
                tempState(), kafka.publisher());
    }

    static long changeLogRows(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + LOG_SCHEMA + ".cdc_changelog WHERE table_name = '" + table + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void insertsUpdatesDeletesAndATransactionArriveOnceWithTheirImages() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("basic"));
             SourceThread run = new SourceThread(trigger("basic", kafka)).awaitCapturing();
             Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO " + SCHEMA + ".basic VALUES "
                    + "(1, 'one', 1.10, '2024-01-02', '2024-01-02 10:00:00.123456+02', '2024-01-02 10:00:00.5', '{a,b}', '{\"k\": [1, 2]}', '\\x0102'), "
                    + "(2, 'two', 2.00, null, null, null, null, null, null), (3, 'three', 3.30, null, null, null, null, null, null)");
            c.commit();
            s.execute("UPDATE " + SCHEMA + ".basic SET name = 'uno', price = 11.05 WHERE id = 1");
            c.commit();
            s.execute("UPDATE " + SCHEMA + ".basic SET name = name WHERE id = 3"); // changes nothing: not logged
            c.commit();
            s.execute("DELETE FROM " + SCHEMA + ".basic WHERE id = 2");
            c.commit();

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(5);
            assertThat(records).hasSize(5);
            List<ChangeEvent> one = eventsOf(records, "{\"id\":1}");
            assertThat(one).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE);
            ChangeEvent insert = one.get(0);
            assertThat(insert.before()).isNull();
            assertThat(insert.after().get("price").decimalValue()).isEqualByComparingTo("1.10");
            assertThat(insert.after().get("added").asInt()).isEqualTo(19724); // 2024-01-02 in days since the epoch
            assertThat(insert.after().get("seen").asText()).isEqualTo("2024-01-02T08:00:00.123456Z");
            assertThat(insert.after().get("at").asLong()).isEqualTo(1704189600500000L);
            assertThat(insert.after().get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
            assertThat(io.cdcflow.model.Json.mapper().readTree(insert.after().get("doc").asText()).get("k").toString()).isEqualTo("[1,2]");
            assertThat(insert.after().get("raw").asText()).isEqualTo("AQI=");
            assertThat(insert.source().connector()).isEqualTo("trigger");
            assertThat(insert.source().longValue("txId")).isPresent();
            assertThat(insert.table().qualifiedName()).isEqualTo(SOURCE + "." + SCHEMA + ".basic");
            ChangeEvent update = one.get(1);
            assertThat(update.before().get("name").asText()).isEqualTo("one");
            assertThat(update.after().get("name").asText()).isEqualTo("uno");
            assertThat(update.after().get("price").decimalValue()).isEqualByComparingTo("11.05");
            assertThat(update.position().isNewerThan(insert.position())).isTrue();
            // The three inserts were one transaction.
            assertThat(eventsOf(records, "{\"id\":2}").getFirst().source().longValue("txId"))
                    .isEqualTo(insert.source().longValue("txId"));
            List<ChangeEvent> two = eventsOf(records, "{\"id\":2}");
            assertThat(two).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.DELETE);
            assertThat(two.get(1).before().get("name").asText()).isEqualTo("two");
            assertThat(two.get(1).after()).isNull();
            assertThat(eventsOf(records, "{\"id\":3}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
            // The value carries its Connect schema, as the log strategy's does.
            var envelope = io.cdcflow.model.ChangeEventSerde.readValue(records.getFirst().value());
            assertThat(envelope.connectSchema().get("name").asText()).isEqualTo(SOURCE + "." + SCHEMA + ".basic.Envelope");
            c.setAutoCommit(true);
            assertThat(changeLogRows(s, "basic")).isZero();
        }
    }

    @Test
    void aTransactionThatCommitsAfterLaterSequencesWereCapturedIsNotMissed() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("held"));
             SourceThread run = new SourceThread(trigger("held", kafka)).awaitCapturing();
             Connection slow = connect(); Statement sslow = slow.createStatement();
             Connection fast = connect(); Statement sfast = fast.createStatement()) {
            slow.setAutoCommit(false);
            sslow.execute("INSERT INTO " + SCHEMA + ".held (id, name) VALUES (10, 'slow')"); // takes the lower seq
            sfast.execute("INSERT INTO " + SCHEMA + ".held (id, name) VALUES (11, 'fast')");
            sfast.execute("INSERT INTO " + SCHEMA + ".held (id, name) VALUES (12, 'faster')");
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
    void aTruncateIsCapturedAsOneEventWithoutAKeyBetweenTheChangesAroundIt() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("truncated"));
             SourceThread run = new SourceThread(trigger("truncated", kafka)).awaitCapturing();
             Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + SCHEMA + ".truncated (id, name) VALUES (30, 'a'), (31, 'b')");
            s.execute("TRUNCATE " + SCHEMA + ".truncated");
            s.execute("INSERT INTO " + SCHEMA + ".truncated (id, name) VALUES (30, 'again')");
            List<ConsumerRecord<byte[], byte[]>> records = reader.await(4);
            assertThat(records).hasSize(4);
            List<ChangeEvent> events = KafkaTestSupport.events(records);
            ChangeEvent truncate = events.stream().filter(e -> e.op() == Op.TRUNCATE).findFirst().orElseThrow();
            assertThat(records.stream().filter(r -> r.key() == null)).hasSize(1);
            assertThat(truncate.before()).isNull();
            assertThat(truncate.after()).isNull();
            assertThat(truncate.table().qualifiedName()).isEqualTo(SOURCE + "." + SCHEMA + ".truncated");
            // Ordered after the inserts before it and before the insert after it, across rows (one sequence).
            assertThat(eventsOf(records, "{\"id\":31}").getFirst().position()).isLessThan(truncate.position());
            assertThat(eventsOf(records, "{\"id\":30}")).extracting(ChangeEvent::position)
                    .satisfiesExactly(p -> assertThat(p).isLessThan(truncate.position()), p -> assertThat(p).isGreaterThan(truncate.position()));
            assertThat(changeLogRows(s, "truncated")).isZero();
        }
    }

    @Test
    void rowsThatPredateTheTriggersArriveAsSnapshotReadsResumedAfterARestart() throws Exception {
        int seeded = 5_000;
        int chunk = 50;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + SCHEMA + ".seeded (id, name) SELECT g, 'seed-' || g FROM generate_series(1, " + seeded + ") g");
        }
        java.nio.file.Path state = java.nio.file.Files.createTempDirectory("trigger-snapshot");
        JdbcSource source = source("seeded", chunk);
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("seeded"));
             Connection c = connect(); Statement s = c.createStatement()) {
            ChangeLog log = ChangeLog.of(source.dialect(), LOG_SCHEMA);
            int readBeforeStop;
            try (SourceThread first = new SourceThread(new TriggerChangeSource(source, log, true, Duration.ofDays(1), true,
                    state, kafka.publisher())).awaitCapturing()) {
                reader.awaitNoSettle(r -> r.size() >= 2 * chunk, Duration.ofSeconds(60));
            }
            // Changes in the middle of the snapshot: to rows already read, and to rows not read yet.
            s.execute("UPDATE " + SCHEMA + ".seeded SET name = 'changed' WHERE id IN (1, 2, 4999)");
            s.execute("DELETE FROM " + SCHEMA + ".seeded WHERE id IN (3, 5000)");
            s.execute("INSERT INTO " + SCHEMA + ".seeded (id, name) VALUES (9000, 'new')");
            readBeforeStop = (int) KafkaTestSupport.events(reader.awaitNoSettle(r -> true, Duration.ofSeconds(5))).stream()
                    .filter(e -> e.op() == Op.READ).count();
            // Resumed by another instance, whose state folder is empty: the progress is in the source database.
            try (SourceThread second = new SourceThread(new TriggerChangeSource(source, log, true, Duration.ofDays(1), true,
                    java.nio.file.Files.createTempDirectory("trigger-snapshot-2"), kafka.publisher())).awaitCapturing()) {
                Map<Long, String> expected = rowsOf(s, SCHEMA + ".seeded");
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> applyByPosition(r).equals(expected)
                        && snapshotProgress().contains("\"done\":true"), Duration.ofSeconds(60));
                List<ChangeEvent> reads = KafkaTestSupport.events(records).stream().filter(e -> e.op() == Op.READ).toList();
                assertThat(reads).allSatisfy(e -> {
                    assertThat(e.position()).isEqualTo(io.cdcflow.model.Position.SNAPSHOT);
                    assertThat(e.source().snapshot()).isEqualTo("true");
                    assertThat(e.before()).isNull();
                });
                java.util.Set<Long> readIds = new java.util.HashSet<>();
                reads.forEach(e -> readIds.add(e.after().get("id").asLong()));
                for (long id = 4; id < 4999; id++) {
                    assertThat(readIds).as("seeded row %d", id).contains(id);
                }
                // Inserted after the triggers: captured as a change (the snapshot may read it too, at a lower position).
                assertThat(eventsOf(records, "{\"id\":9000}")).extracting(ChangeEvent::op).contains(Op.CREATE);
                System.out.printf("trigger snapshot: %d seeded rows, %d read before the stop, %d reads in all%n", seeded,
                        readBeforeStop, reads.size());
                assertThat(readBeforeStop).as("stopped in the middle").isLessThan(seeded);
                // Resumed after the last published chunk, not started again: at most one chunk is read twice.
                assertThat(reads.size()).isLessThanOrEqualTo(seeded + chunk);
                assertThat(applyByPosition(records)).isEqualTo(expected);
            }
            assertThat(snapshotProgress()).contains("\"done\":true");
            assertThat(state.resolve(SOURCE + ".trigger-snapshot.json")).as("the progress is not in the state folder").doesNotExist();
        }
    }

    @Test
    void progressAnEarlierVersionKeptInTheStateFolderIsCopiedIntoTheStateTable() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + SCHEMA + ".legacy (id, name) VALUES (1, 'old'), (2, 'older')");
        }
        // What an earlier version left in its state folder: the table read through.
        java.nio.file.Path state = java.nio.file.Files.createTempDirectory("trigger-legacy");
        java.nio.file.Files.writeString(state.resolve(LEGACY_SOURCE + "." + TriggerChangeSource.SNAPSHOT_STATE + ".json"),
                "{\"" + SCHEMA + ".legacy\":{\"done\":true}}");
        JdbcSource source = new JdbcSource(LEGACY_SOURCE, new PostgresDialect(), stack.get("CDC_SOURCE_PG_HOST"),
                Integer.parseInt(stack.get("CDC_SOURCE_PG_PORT")), stack.get("CDC_SOURCE_PG_DB"),
                stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"),
                List.of(new TableId(SCHEMA, "legacy")), Duration.ofMillis(100), 2);
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(LEGACY_SOURCE + "." + SCHEMA + ".legacy");
             Connection c = connect(); Statement s = c.createStatement();
             SourceThread capture = new SourceThread(new TriggerChangeSource(source, ChangeLog.of(source.dialect(), LOG_SCHEMA),
                     true, Duration.ofDays(1), true, state, kafka.publisher())).awaitCapturing()) {
            s.execute("INSERT INTO " + SCHEMA + ".legacy (id, name) VALUES (3, 'new')");
            List<ChangeEvent> events = KafkaTestSupport.events(reader.await(r -> !r.isEmpty(), Duration.ofSeconds(30)));
            assertThat(events).as("no snapshot read: the file said the table was read through")
                    .extracting(ChangeEvent::op).containsExactly(Op.CREATE);
            assertThat(snapshotProgress(LEGACY_SOURCE)).as("copied into the state table for every instance")
                    .contains("\"done\":true");
        }
    }

    private static String snapshotProgress() {
        return snapshotProgress(SOURCE);
    }

    /** The trigger snapshot's progress of {@code sourceName}, as its state table holds it; empty when it has no row. */
    private static String snapshotProgress(String sourceName) {
        try (Connection c = connect(); java.sql.PreparedStatement ps = c.prepareStatement("SELECT state FROM " + LOG_SCHEMA
                + "." + TriggerStateTable.TABLE + " WHERE source = ? AND name = ?")) {
            ps.setString(1, sourceName);
            ps.setString(2, TriggerChangeSource.SNAPSHOT_STATE);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the snapshot progress", e);
        }
    }

    /** A sink's state after applying the records by position, keeping tombstones out: id to name. */
    static Map<Long, String> applyByPosition(List<ConsumerRecord<byte[], byte[]>> records) {
        return KafkaTestSupport.applyAsSinks(records, "name");
    }

    static Map<Long, String> rowsOf(Statement s, String table) throws Exception {
        Map<Long, String> out = new java.util.HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT id, name FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void aRestartedSourceResumesWithoutLossAndUninstallRemovesTheTriggers() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("restart"));
             Connection c = connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(trigger("restart", kafka)).awaitCapturing()) {
                s.execute("INSERT INTO " + SCHEMA + ".restart (id, name) VALUES (20, 'a')");
                reader.await(1);
            }
            // Stopped: changes wait in the change log.
            s.execute("INSERT INTO " + SCHEMA + ".restart (id, name) VALUES (21, 'b')");
            s.execute("UPDATE " + SCHEMA + ".restart SET name = 'a2' WHERE id = 20");
            assertThat(changeLogRows(s, "restart")).isEqualTo(2);
            try (SourceThread second = new SourceThread(trigger("restart", kafka)).awaitCapturing()) {
                List<ConsumerRecord<byte[], byte[]>> records = reader.await(3);
                assertThat(records).hasSize(3);
                assertThat(eventsOf(records, "{\"id\":20}")).extracting(e -> e.after().get("name").asText()).containsExactly("a", "a2");
                assertThat(eventsOf(records, "{\"id\":21}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
            }
            JdbcSource source = source("restart");
            ChangeLog log = ChangeLog.of(source.dialect(), LOG_SCHEMA);
            assertThat(log.installed(c, source.tables())).isTrue();
            log.checkCanInstall(c, source.tables());
            assertThatThrownBy(() -> log.checkCanInstall(c, List.of(new TableId("pg_catalog", "pg_class"))))
                    .hasMessageContaining("TRIGGER privilege");
            log.uninstall(c, source.tables(), false);
            assertThat(log.installed(c, source.tables())).isFalse();
            s.execute("INSERT INTO " + SCHEMA + ".restart (id, name) VALUES (22, 'c')");
            assertThat(changeLogRows(s, "restart")).isZero();
            // Retention: a change left unpublished longer than the max age is deleted.
            s.execute("INSERT INTO " + LOG_SCHEMA + ".cdc_changelog (schema_name, table_name, op, after_image, changed_at) "
                    + "VALUES ('" + SCHEMA + "', 'restart', 'c', '{\"id\": 23}', clock_timestamp() - interval '2 hours')");
            s.execute("INSERT INTO " + LOG_SCHEMA + ".cdc_changelog (schema_name, table_name, op, after_image) "
                    + "VALUES ('" + SCHEMA + "', 'restart', 'c', '{\"id\": 24}')");
            assertThat(log.expire(c, Duration.ofHours(1))).isEqualTo(1);
            assertThat(changeLogRows(s, "restart")).isEqualTo(1);
        }
    }

    @Test
    void aRepairReadsTheTableAgainInANewGenerationAndItsSweepRemovesWhatTheChangeLogLost() throws Exception {
        java.nio.file.Path state = java.nio.file.Files.createTempDirectory("trigger-repair");
        String table = SCHEMA + ".mended";
        JdbcSource source = source("mended");
        ChangeLog log = ChangeLog.of(source.dialect(), LOG_SCHEMA);
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("mended"));
             Connection c = connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(new TriggerChangeSource(source, log, true, Duration.ofDays(1),
                    false, state, kafka.publisher())).awaitCapturing()) {
                for (int i = 1; i <= 4; i++) {
                    s.execute("INSERT INTO " + table + " (id, name) VALUES (" + i + ", 'v1')");
                }
                reader.await(4);
            }
            // While capture is down, changes are lost from the change log (expired after trigger.max-age, or removed
            // by hand): an update and a delete the sinks never see.
            s.execute("UPDATE " + table + " SET name = 'v2' WHERE id = 2");
            s.execute("DELETE FROM " + table + " WHERE id = 3");
            s.execute("DELETE FROM " + LOG_SCHEMA + ".cdc_changelog WHERE table_name = 'mended'");
            // What POST /sources/{source}/repair records before the source starts again.
            io.cdcflow.capture.source.SourceGeneration.load(
                    io.cdcflow.capture.state.SourceStates.inFolder(state, SOURCE), SOURCE, io.cdcflow.capture.config.CaptureStrategy.trigger,
                    List.of(table)).raise(List.of(table));

            try (SourceThread second = new SourceThread(new TriggerChangeSource(source, log, true, Duration.ofDays(1),
                    false, state, kafka.publisher())).awaitCapturing()) {
                s.execute("UPDATE " + table + " SET name = 'v3' WHERE id = 4");
                Map<Long, String> expected = Map.of(1L, "v1", 2L, "v2", 4L, "v3");
                List<ChangeEvent> events = KafkaTestSupport.events(reader.await(
                        r -> KafkaTestSupport.applyAsSinks(r, "name").equals(expected) && KafkaTestSupport.events(r).stream()
                                .anyMatch(e -> e.op() == Op.TRUNCATE), Duration.ofSeconds(60)));
                assertThat(rowsOf(s, table)).isEqualTo(expected);
                ChangeEvent sweep = events.stream().filter(e -> e.op() == Op.TRUNCATE).findFirst().orElseThrow();
                assertThat(sweep.position()).isEqualTo(io.cdcflow.model.Position.floor(1));
                assertThat(sweep.source().flag(io.cdcflow.model.Position.SWEEP_FIELD)).isTrue();
                assertThat(events.stream().filter(e -> e.op() == Op.READ).map(ChangeEvent::position).distinct().toList())
                        .containsExactly(io.cdcflow.model.Position.snapshot(1));
                // Without the new generation the read of row 2 (below every change) could not replace 'v1'.
                assertThat(KafkaTestSupport.applyAsSinks(reader.await(r -> true, Duration.ofSeconds(1)), "name")).isEqualTo(expected);
            }
        }
    }

    @Test
    void ddlReshapesTheEventsWhileImagesFromBeforeAndAfterItSitInTheChangeLogTogether() throws Exception {
        String table = SCHEMA + ".reshaped";
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("reshaped"));
             SourceThread run = new SourceThread(trigger("reshaped", kafka)).awaitCapturing();
             Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " (id, name, price) VALUES (1, 'one', 1.10)");
            reader.await(1);
            // One transaction: images logged before, between and after the DDL reach the change log together.
            c.setAutoCommit(false);
            s.execute("UPDATE " + table + " SET price = 2.20 WHERE id = 1");
            s.execute("ALTER TABLE " + table + " ADD COLUMN tier text");
            s.execute("UPDATE " + table + " SET tier = 'gold' WHERE id = 1");
            s.execute("ALTER TABLE " + table + " DROP COLUMN price");
            s.execute("ALTER TABLE " + table + " RENAME COLUMN name TO title");
            s.execute("UPDATE " + table + " SET title = 'uno' WHERE id = 1");
            c.commit();
            c.setAutoCommit(true);
            s.execute("INSERT INTO " + table + " (id, title, tier) VALUES (2, 'two', 'silver')");

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(5);
            List<ChangeEvent> one = eventsOf(records, "{\"id\":1}");
            assertThat(one).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE, Op.UPDATE, Op.UPDATE);
            assertThat(one.get(2).after().get("tier").asText()).isEqualTo("gold");
            assertThat(one.get(3).after().get("title").asText()).isEqualTo("uno");
            assertThat(one.get(3).after().has("price")).as("a dropped column").isFalse();
            assertThat(one.get(3).position()).isGreaterThan(one.get(2).position());
            ChangeEvent two = eventsOf(records, "{\"id\":2}").getFirst();
            assertThat(two.after().get("title").asText()).isEqualTo("two");
            assertThat(two.after().get("tier").asText()).isEqualTo("silver");
            assertThat(changeLogRows(s, "reshaped")).as("published and deleted").isZero();
        }
    }

    @Test
    void anUpdateOfThePrimaryKeyIsADeleteOfTheOldKeyAndACreateOfTheNewOne() throws Exception {
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("rekeyed"));
             SourceThread run = new SourceThread(trigger("rekeyed", kafka)).awaitCapturing();
             Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + SCHEMA + ".rekeyed (id, name) VALUES (1, 'one')");
            s.execute("UPDATE " + SCHEMA + ".rekeyed SET id = 2 WHERE id = 1");

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(3);
            assertThat(eventsOf(records, "{\"id\":1}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.DELETE);
            assertThat(eventsOf(records, "{\"id\":1}").get(1).before().get("name").asText()).isEqualTo("one");
            assertThat(eventsOf(records, "{\"id\":2}")).extracting(ChangeEvent::op).containsExactly(Op.CREATE);
            assertThat(eventsOf(records, "{\"id\":2}").getFirst().after().get("name").asText()).isEqualTo("one");
        }
    }

    @Test
    void aReCreatedChangeLogNumbersItsChangesAboveThoseAlreadyPublished() throws Exception {
        String logSchema = LOG_SCHEMA + "_epoch";
        java.nio.file.Path state = tempState();
        JdbcSource source = source("epoch");
        try (KafkaTestSupport kafka = new KafkaTestSupport();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic("epoch"));
             Connection c = connect(); Statement s = c.createStatement()) {
            try (SourceThread first = new SourceThread(new TriggerChangeSource(source, ChangeLog.of(source.dialect(), logSchema),
                    true, Duration.ofDays(1), false, state, kafka.publisher())).awaitCapturing()) {
                for (int i = 1; i <= 5; i++) {
                    s.execute("INSERT INTO " + SCHEMA + ".epoch (id, name) VALUES (" + i + ", 'v1')");
                }
                s.execute("UPDATE " + SCHEMA + ".epoch SET name = 'v2' WHERE id = 5");
                reader.await(6);
            }
            // The change log is dropped and made anew (an uninstall and reinstall, a restore): its sequence starts at 1.
            s.execute("DROP SCHEMA " + logSchema + " CASCADE");
            try (SourceThread second = new SourceThread(new TriggerChangeSource(source, ChangeLog.of(source.dialect(), logSchema),
                    true, Duration.ofDays(1), false, state, kafka.publisher())).awaitCapturing()) {
                s.execute("UPDATE " + SCHEMA + ".epoch SET name = 'v3' WHERE id = 5");
                List<ChangeEvent> five = eventsOf(reader.await(7), "{\"id\":5}");
                assertThat(five).extracting(e -> e.after().get("name").asText()).containsExactly("v1", "v2", "v3");
                assertThat(five.get(2).position()).isGreaterThan(five.get(1).position());
            }
        }
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
