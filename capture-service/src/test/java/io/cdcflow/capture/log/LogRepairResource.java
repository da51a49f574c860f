package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A log-based PostgreSQL source {@code logrepair} over {@code log_repair.items} ({@value #ROWS} rows before capture starts,
 * read by the initial snapshot), with its signal table in the test's own schema: the source a repair is tried on.
 */
public class LogRepairResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "logrepair";
    static final String ITEMS = "log_repair.items";
    static final String SLOT = "cdcflow_" + SOURCE;
    static final int ROWS = 200;

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            PostgresSourceResource.dropSlotAndPublication(s, SLOT);
            s.execute("DROP SCHEMA IF EXISTS log_repair CASCADE");
            s.execute("CREATE SCHEMA log_repair");
            s.execute("CREATE TABLE " + ITEMS + " (id bigint PRIMARY KEY, name text NOT NULL)");
            s.execute("ALTER TABLE " + ITEMS + " REPLICA IDENTITY FULL");
            s.execute("INSERT INTO " + ITEMS + " SELECT g, 'item-' || g FROM generate_series(1, " + ROWS + ") g");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        KafkaTestSupport.deleteTopics(topic(ITEMS), SOURCE + ".transaction", SOURCE + ".log_repair.cdcflow_signal");
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> config = PostgresSourceResource.sourceConfig(stack, SOURCE, ITEMS);
        config.put(prefix + "log.snapshot-mode", "initial");
        config.put(prefix + "log.signal-table", "log_repair.cdcflow_signal");
        return config;
    }

    static String topic(String table) {
        return SOURCE + "." + table;
    }

    @Override
    public void stop() {
    }
}
