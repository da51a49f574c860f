package io.cdcflow.capture.log;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A log-based PostgreSQL source {@code h1cols} over {@code h1_cols.people} that leaves out {@code notes}, publishes
 * {@code email} as a salted hash and {@code ssn} as six asterisks.
 */
public class ColumnFilterSourceResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "h1cols";
    static final String TOPIC = SOURCE + ".h1_cols.people";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1cols' AND active");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'cdcflow_h1cols'");
            s.execute("DROP PUBLICATION IF EXISTS cdcflow_h1cols");
            s.execute("DROP SCHEMA IF EXISTS h1_cols CASCADE");
            s.execute("CREATE SCHEMA h1_cols");
            s.execute("CREATE TABLE h1_cols.people (id bigint PRIMARY KEY, name text NOT NULL, email text, ssn varchar(11),"
                    + " notes text, age int)");
            s.execute("ALTER TABLE h1_cols.people REPLICA IDENTITY FULL");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        PostgresSourceResource.deleteTopics(stack, TOPIC, SOURCE + ".transaction");
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> config = PostgresSourceResource.sourceConfig(stack, SOURCE, "h1_cols.people");
        config.put(prefix + "signal-table", "h1_cols.cdcflow_signal");
        config.put(prefix + "column-exclude-list", "h1_cols.people.notes");
        config.put(prefix + "column-mask-hash", "h1_cols.people.email");
        config.put(prefix + "column-mask-hash-salt", "h1-test-salt-0001");
        config.put(prefix + "column-mask-chars", "h1_cols.people.ssn");
        config.put(prefix + "column-mask-chars-length", "6");
        return config;
    }

    @Override
    public void stop() {
    }
}
