package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.source.PackagedCapture;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore of the source database under a running trigger source (the packaged capture-service): the table goes
 * back to an older state without any trigger firing, and the change log's sequence starts again below what capture
 * published. Changes numbered there would reach the sinks at positions below the ones they hold and be dropped as
 * stale, and the restored rows would never be corrected. Capture stops instead, its readiness naming the repair,
 * and {@code POST /sources/{source}/repair} reads the table again in a new generation: a sink applying the topic by
 * the position rule ({@link KafkaTestSupport#applyAsSinks}) then holds exactly the table's rows again.
 */
class PostgresTriggerRestoreIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void aRestoredChangeLogStopsTheSourceUntilARepairReadsTheTablesAgain() throws Exception {
        StackEndpoints stack = Stack.up();
        String namespace = "trgrestore_" + UUID.randomUUID().toString().substring(0, 8);
        String source = "itrestore";
        String table = namespace + ".items";
        String topic = source + "." + table;
        Path state = Files.createTempDirectory("capture-trgrestore-it");
        try (Connection c = connect(stack); KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic)) {
            sql(c, "CREATE SCHEMA " + namespace);
            sql(c, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL)");
            sql(c, "INSERT INTO " + table + " VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            try (PackagedCapture capture = PackagedCapture.start("trgrestoreit", state, properties(stack, source, namespace, table))
                    .awaitReady(DEADLINE)) {
                for (int i = 1; i <= 5; i++) {
                    sql(c, "UPDATE " + table + " SET name = 'one v" + i + "' WHERE id = 1");
                }
                awaitSinksEqual(reader, c, table, "changes before the restore");

                // The restore: the table's older content without triggers firing, the sequence back at its start.
                sql(c, "ALTER TABLE " + table + " DISABLE TRIGGER USER");
                sql(c, "UPDATE " + table + " SET name = 'one (restored)' WHERE id = 1");
                sql(c, "ALTER TABLE " + table + " ENABLE TRIGGER USER");
                sql(c, "SELECT setval(pg_get_serial_sequence('" + namespace + ".cdc_changelog', 'seq'), 1, false)");
                sql(c, "UPDATE " + table + " SET name = 'two after the restore' WHERE id = 2");

                String health = capture.awaitNotReady("bin/cdcflow repair", DEADLINE);
                assertThat(health).contains("was restored or re-created").contains("bin/cdcflow repair " + source);

                assertThat(capture.post("/sources/" + source + "/repair", "{}").statusCode()).isEqualTo(202);
                awaitSinksEqual(reader, c, table, "the repair after the restore");
                sql(c, "UPDATE " + table + " SET name = 'three, streamed after the repair' WHERE id = 3");
                awaitSinksEqual(reader, c, table, "a change after the repair");
                capture.awaitReady(Duration.ofSeconds(30));
            }
        } finally {
            try (Connection c = connect(stack)) {
                sql(c, "DROP SCHEMA IF EXISTS " + namespace + " CASCADE");
            }
        }
    }

    private static Map<String, String> properties(StackEndpoints stack, String source, String namespace, String table) {
        String p = "cdc.capture.sources." + source + ".";
        Map<String, String> props = new HashMap<>();
        props.put(p + "strategy", "trigger");
        props.put(p + "kind", "postgresql");
        props.put(p + "host", stack.get("CDC_SOURCE_PG_HOST"));
        props.put(p + "port", stack.get("CDC_SOURCE_PG_PORT"));
        props.put(p + "database", stack.get("CDC_SOURCE_PG_DB"));
        props.put(p + "user", stack.get("CDC_SOURCE_PG_USER"));
        props.put(p + "password", stack.get("CDC_SOURCE_PG_PASSWORD"));
        props.put(p + "tables", table);
        props.put(p + "trigger.schema", namespace);
        props.put(p + "trigger.poll-interval", "100ms");
        return props;
    }

    private static void awaitSinksEqual(KafkaTestSupport.Reader reader, Connection c, String table, String step)
            throws SQLException {
        Map<Long, String> expected = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name FROM " + table)) {
            while (rs.next()) {
                expected.put(rs.getLong(1), rs.getString(2));
            }
        }
        try {
            List<ConsumerRecord<byte[], byte[]>> read = reader.await(r -> KafkaTestSupport.applyAsSinks(r, "name").equals(expected), DEADLINE);
            assertThat(read).isNotEmpty();
        } catch (AssertionError e) {
            throw new AssertionError(step + ": the sinks would not equal the table " + expected, e);
        }
    }

    private static Connection connect(StackEndpoints stack) throws SQLException {
        return DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
    }

    private static void sql(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
