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
    static StackEndpoints stack;

    @BeforeAll
    static void prepare() throws Exception {
        stack = Stack.up();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + LOG_SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            for (String t : List.of("basic", "held", "restart", "truncated")) {
                s.execute("CREATE TABLE " + SCHEMA + "." + t + " (id bigint PRIMARY KEY, name text NOT NULL, "
                        + "price numeric(10,2), added date, seen timestamptz, at timestamp, tags text[], doc jsonb, raw bytea)");
            }
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + LOG_SCHEMA + " CASCADE");
        }
        KafkaTestSupport.deleteTopics(topic("basic"), topic("held"), topic("restart"), topic("truncated"));
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

    static TriggerChangeSource trigger(String table, KafkaTestSupport kafka) {
        JdbcSource source = source(table);
        return new TriggerChangeSource(source, ChangeLog.of(source.dialect(), LOG_SCHEMA), true, Duration.ofDays(1), kafka.publisher());
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
}
