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
 * A log-based PostgreSQL source {@code colfilters} over {@code column_filters.people} that leaves out {@code notes}, publishes
 * {@code email} as a salted hash and {@code ssn} as six asterisks.
 */
public class ColumnFilterSourceResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "colfilters";
    static final String TOPIC = SOURCE + ".column_filters.people";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            PostgresSourceResource.dropSlotAndPublication(s, "cdcflow_colfilters");
            s.execute("DROP SCHEMA IF EXISTS column_filters CASCADE");
            s.execute("CREATE SCHEMA column_filters");
            s.execute("CREATE TABLE column_filters.people (id bigint PRIMARY KEY, name text NOT NULL, email text, ssn varchar(11),"
                    + " notes text, age int)");
            s.execute("ALTER TABLE column_filters.people REPLICA IDENTITY FULL");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        KafkaTestSupport.deleteTopics(TOPIC, SOURCE + ".transaction");
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> config = PostgresSourceResource.sourceConfig(stack, SOURCE, "column_filters.people");
        config.put(prefix + "log.signal-table", "column_filters.cdcflow_signal");
        config.put(prefix + "log.column-exclude-list", "column_filters.people.notes");
        config.put(prefix + "log.column-mask-hash", "column_filters.people.email");
        config.put(prefix + "log.column-mask-hash-salt", "column-filter-test-salt");
        config.put(prefix + "log.column-mask-chars", "column_filters.people.ssn");
        config.put(prefix + "log.column-mask-chars-length", "6");
        return config;
    }

    @Override
    public void stop() {
    }
}
