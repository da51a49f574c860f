package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A fresh source for a capture test: a table {@code capture_it.items} in the stack's source PostgreSQL, no slot
 * or publication left from an earlier run, an empty state folder, and capture-service configured with one
 * log-based source {@code itpg} over that table.
 */
public class PostgresSourceResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "itpg";
    static final String TOPIC = SOURCE + ".capture_it.items";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = connect(stack); Statement s = c.createStatement()) {
            dropSlotAndPublication(s, "cdcflow_itpg");
            s.execute("DROP SCHEMA IF EXISTS capture_it CASCADE");
            s.execute("CREATE SCHEMA capture_it");
            s.execute("CREATE TABLE capture_it.items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
                    + "added date, tags text[])");
            s.execute("ALTER TABLE capture_it.items REPLICA IDENTITY FULL");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        KafkaTestSupport.deleteTopics(TOPIC, SOURCE + ".transaction");
        return sourceConfig(stack, SOURCE, "capture_it.items");
    }

    /**
     * Drops a log source's replication slot (taken first from an engine still holding it: a JVM of an earlier run
     * that has not exited yet) and its publication, both named {@code slot}, so that the source starts afresh.
     */
    public static void dropSlotAndPublication(Statement s, String slot) throws SQLException {
        s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active");
        s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        s.execute("DROP PUBLICATION IF EXISTS " + slot);
    }

    /**
     * The configuration of capture-service with one log-based PostgreSQL source {@code source} over {@code tables}
     * of the stack's source database, with a fresh state folder; callers add their own settings to it.
     */
    static Map<String, String> sourceConfig(StackEndpoints stack, String source, String tables) {
        String prefix = "cdc.capture.sources." + source + ".";
        Map<String, String> config = new java.util.HashMap<>();
        try {
            config.put("cdc.capture.state-dir", Files.createTempDirectory("capture-" + source).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("cdc.capture.kafka-bootstrap-servers", stack.kafkaBootstrap());
        config.put(prefix + "kind", "postgresql");
        config.put(prefix + "host", stack.get("CDC_SOURCE_PG_HOST"));
        config.put(prefix + "port", stack.get("CDC_SOURCE_PG_PORT"));
        config.put(prefix + "database", stack.get("CDC_SOURCE_PG_DB"));
        config.put(prefix + "user", stack.get("CDC_SOURCE_PG_USER"));
        config.put(prefix + "password", stack.get("CDC_SOURCE_PG_PASSWORD"));
        config.put(prefix + "tables", tables);
        return config;
    }

    /**
     * Waits until the replication slot {@code slot} of the stack's source PostgreSQL is active (capture streams from
     * it), so that changes committed from then on are captured as changes, not as snapshot reads.
     */
    static void awaitActiveSlot(String slot, java.time.Duration within) throws SQLException {
        try (Connection c = connect(Stack.up());
             java.sql.PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            org.awaitility.Awaitility.await("the replication slot " + slot + " active").atMost(within)
                    .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                        try (java.sql.ResultSet rs = s.executeQuery()) {
                            return rs.next() && rs.getBoolean(1);
                        }
                    });
        }
    }

    static Connection connect(StackEndpoints stack) throws SQLException {
        return DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
    }

    @Override
    public void stop() {
        // The slot stays until the next run's start(): dropping it here races with the engine's shutdown.
    }
}
