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
 * A fresh MariaDB source for a log-capture test: a table {@code log_it_items} in the stack's MariaDB, an empty
 * state folder (offsets and schema history), and capture-service configured with one log source {@code itmdb}.
 */
public class MariaDbSourceResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "itmdb";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        String db = stack.get("CDC_MARIADB_DB");
        try (Connection c = connect(stack); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS log_it_items");
            s.execute("CREATE TABLE log_it_items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2))");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the MariaDB source", e);
        }
        KafkaTestSupport.deleteTopics(topic(stack));
        Map<String, String> config = sourceConfig(stack, SOURCE, db + ".log_it_items");
        // The table is created before the engine starts; its snapshot reads it (empty).
        config.put("cdc.capture.sources." + SOURCE + ".log.snapshot-mode", "initial");
        return config;
    }

    /**
     * The configuration of capture-service with one log-based MariaDB source {@code source} over {@code tables} of
     * the stack's MariaDB, with a fresh state folder; callers add their own settings to it.
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
        config.put(prefix + "kind", "mariadb");
        config.put(prefix + "host", stack.get("CDC_MARIADB_HOST"));
        config.put(prefix + "port", stack.get("CDC_MARIADB_PORT"));
        config.put(prefix + "database", stack.get("CDC_MARIADB_DB"));
        config.put(prefix + "user", stack.get("CDC_MARIADB_USER"));
        config.put(prefix + "password", stack.get("CDC_MARIADB_PASSWORD"));
        config.put(prefix + "tables", tables);
        return config;
    }

    static String topic(StackEndpoints stack) {
        return SOURCE + "." + stack.get("CDC_MARIADB_DB") + ".log_it_items";
    }

    static Connection connect(StackEndpoints stack) throws SQLException {
        try {
            Class.forName("org.mariadb.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return DriverManager.getConnection(stack.mariadbJdbcUrl(), stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"));
    }

    @Override
    public void stop() {
    }
}
