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
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        try {
            return Map.of(
                    "cdc.capture.kafka-bootstrap-servers", stack.kafkaBootstrap(),
                    "cdc.capture.state-dir", Files.createTempDirectory("capture-mdb-it").toString(),
                    prefix + "kind", "mariadb",
                    prefix + "host", stack.get("CDC_MARIADB_HOST"),
                    prefix + "port", stack.get("CDC_MARIADB_PORT"),
                    prefix + "database", db,
                    prefix + "user", stack.get("CDC_MARIADB_USER"),
                    prefix + "password", stack.get("CDC_MARIADB_PASSWORD"),
                    prefix + "tables", db + ".log_it_items",
                    // The table is created before the engine starts; its snapshot reads it (empty).
                    prefix + "log.snapshot-mode", "initial");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
