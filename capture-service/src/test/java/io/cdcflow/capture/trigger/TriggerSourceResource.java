package io.cdcflow.capture.trigger;

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
import java.util.HashMap;
import java.util.Map;

/**
 * capture-service configured with one trigger-based source {@code itwire} over a fresh PostgreSQL table
 * {@code capture_wire_<run>.items} (change log in schema {@code capture_wire_<run>_log}).
 */
public class TriggerSourceResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "itwire";
    /** Unique per run, so that engineers running this IT at the same time on the shared stack do not collide. */
    static final String SCHEMA = "capture_wire_" + java.util.UUID.randomUUID().toString().substring(0, 6);
    static final String TOPIC = SOURCE + "." + SCHEMA + ".items";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD")); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + "_log CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            s.execute("CREATE TABLE " + SCHEMA + ".items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2))");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        KafkaTestSupport.deleteTopics(TOPIC);
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> config = new HashMap<>();
        try {
            config.put("cdc.capture.state-dir", Files.createTempDirectory("capture-it").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("cdc.capture.kafka-bootstrap-servers", stack.kafkaBootstrap());
        config.put(prefix + "strategy", "trigger");
        config.put(prefix + "kind", "postgresql");
        config.put(prefix + "host", stack.get("CDC_SOURCE_PG_HOST"));
        config.put(prefix + "port", stack.get("CDC_SOURCE_PG_PORT"));
        config.put(prefix + "database", stack.get("CDC_SOURCE_PG_DB"));
        config.put(prefix + "user", stack.get("CDC_SOURCE_PG_USER"));
        config.put(prefix + "password", stack.get("CDC_SOURCE_PG_PASSWORD"));
        config.put(prefix + "tables", SCHEMA + ".items");
        config.put(prefix + "trigger.schema", SCHEMA + "_log");
        config.put(prefix + "trigger.poll-interval", "100ms");
        return config;
    }

    @Override
    public void stop() {
    }
}
