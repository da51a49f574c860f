package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.jdbc.MariaDbTestSupport;
import io.cdcflow.capture.log.PostgresSourceResource;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One source of {@link CaptureKillIT}: a run-unique table {@code items (id, version, name, created_at, updated_at,
 * deleted_at)} in the stack's PostgreSQL or MariaDB, the capture-service properties of a source of one strategy over
 * it, the SQL its writer runs, and the clean-up of what capture left (slot, publication, triggers, topics).
 */
record KillTarget(CaptureStrategy strategy, DatabaseKind kind, String source, String namespace, String table) {

    /** Every strategy on every database it supports. */
    enum Case {
        LOG_POSTGRESQL(CaptureStrategy.log, DatabaseKind.postgresql),
        LOG_MARIADB(CaptureStrategy.log, DatabaseKind.mariadb),
        TRIGGER_POSTGRESQL(CaptureStrategy.trigger, DatabaseKind.postgresql),
        TRIGGER_MARIADB(CaptureStrategy.trigger, DatabaseKind.mariadb),
        TIMESTAMP_POSTGRESQL(CaptureStrategy.timestamp, DatabaseKind.postgresql),
        TIMESTAMP_MARIADB(CaptureStrategy.timestamp, DatabaseKind.mariadb);

        final CaptureStrategy strategy;
        final DatabaseKind kind;

        Case(CaptureStrategy strategy, DatabaseKind kind) {
            this.strategy = strategy;
            this.kind = kind;
        }
    }

    static KillTarget of(Case c) {
        return of(c, "kill");
    }

    /** A run-unique target whose source, schema or table names start with {@code prefix} (lower-case letters). */
    static KillTarget of(Case c, String prefix) {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String source = prefix + c.strategy.name().substring(0, 3) + (c.kind == DatabaseKind.postgresql ? "pg" : "my") + run;
        return c.kind == DatabaseKind.postgresql
                ? new KillTarget(c.strategy, c.kind, source, prefix + "_" + run, "items")
                : new KillTarget(c.strategy, c.kind, source, Stack.up().get("CDC_MARIADB_DB"), prefix + "_" + run + "_items");
    }

    boolean postgres() {
        return kind == DatabaseKind.postgresql;
    }

    String qualified() {
        return namespace + "." + table;
    }

    String topic() {
        return source + "." + qualified();
    }

    /** Runs one statement on a connection of its own (autocommit). */
    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The table's rows now: each row's {@code name} by its {@code id}. */
    Map<Long, String> names() throws SQLException {
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT id, name FROM " + qualified())) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    Connection connect() throws SQLException {
        StackEndpoints stack = Stack.up();
        return postgres()
                ? DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"))
                : DriverManager.getConnection(stack.mariadbJdbcUrl(), stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"));
    }

    void prepare() throws Exception {
        if (!postgres() && strategy == CaptureStrategy.trigger) {
            MariaDbTestSupport.allowTriggers();
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            if (postgres()) {
                s.execute("CREATE SCHEMA " + namespace);
                s.execute("CREATE TABLE " + qualified() + " (id bigint PRIMARY KEY, version int NOT NULL, name text NOT NULL, "
                        + "created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, deleted_at timestamptz)");
                s.execute("ALTER TABLE " + qualified() + " REPLICA IDENTITY FULL");
            } else {
                s.execute("CREATE TABLE " + qualified() + " (id BIGINT PRIMARY KEY, version INT NOT NULL, name VARCHAR(64) NOT NULL, "
                        + "created_at TIMESTAMP(6) NOT NULL, updated_at TIMESTAMP(6) NOT NULL, deleted_at TIMESTAMP(6) NULL)");
            }
        }
    }

    /** The capture-service properties of the one source. */
    Map<String, String> properties() {
        StackEndpoints stack = Stack.up();
        String p = "cdc.capture.sources." + source + ".";
        String env = postgres() ? "CDC_SOURCE_PG_" : "CDC_MARIADB_";
        Map<String, String> props = new HashMap<>();
        props.put(p + "strategy", strategy.name());
        props.put(p + "kind", kind.name());
        props.put(p + "host", stack.get(env + "HOST"));
        props.put(p + "port", stack.get(env + "PORT"));
        props.put(p + "database", stack.get(env + "DB"));
        props.put(p + "user", stack.get(env + "USER"));
        props.put(p + "password", stack.get(env + "PASSWORD"));
        props.put(p + "tables", qualified());
        switch (strategy) {
            case log -> props.put(p + "log.signal-table", namespace + "." + signalTable());
            case trigger -> {
                props.put(p + "trigger.poll-interval", "100ms");
                if (postgres()) {
                    props.put(p + "trigger.schema", namespace);
                }
            }
            case timestamp -> {
                props.put(p + "timestamp.poll-interval", "100ms");
                props.put(p + "timestamp.created-column", "created_at");
            }
        }
        return props;
    }

    private String signalTable() {
        return postgres() ? "cdcflow_signal" : table + "_signal";
    }

    // ---------------------------------------------------------------- the writer's SQL

    String insert() {
        return postgres()
                ? "INSERT INTO " + qualified() + " (id, version, name, created_at, updated_at) SELECT ?, 0, ?, ts, ts FROM (SELECT clock_timestamp() AS ts) n"
                : "INSERT INTO " + qualified() + " (id, version, name, created_at, updated_at) VALUES (?, 0, ?, NOW(6), NOW(6))";
    }

    /** One statement inserting rows {@code first..last} (version 0, name {@code row-<id>}): one transaction. */
    String insertRange(long first, long last) {
        return postgres()
                ? "INSERT INTO " + qualified() + " (id, version, name, created_at, updated_at) SELECT g, 0, 'row-' || g, "
                        + "now(), now() FROM generate_series(" + first + ", " + last + ") g"
                : "INSERT INTO " + qualified() + " (id, version, name, created_at, updated_at) SELECT seq, 0, "
                        + "CONCAT('row-', seq), NOW(6), NOW(6) FROM seq_" + first + "_to_" + last;
    }

    String update() {
        return "UPDATE " + qualified() + " SET version = version + 1, name = ?, updated_at = " + now() + " WHERE id = ?";
    }

    /** Timestamp capture sees no hard delete: there the writer sets {@code deleted_at} (and a new version). */
    String delete() {
        return strategy == CaptureStrategy.timestamp
                ? "UPDATE " + qualified() + " SET version = version + 1, updated_at = " + now() + ", deleted_at = " + now() + " WHERE id = ?"
                : "DELETE FROM " + qualified() + " WHERE id = ?";
    }

    private String now() {
        return postgres() ? "clock_timestamp()" : "NOW(6)";
    }

    // ---------------------------------------------------------------- clean-up

    void cleanUp() throws Exception {
        String slot = "cdcflow_" + source.toLowerCase(Locale.ROOT);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            if (postgres()) {
                if (strategy == CaptureStrategy.log) {
                    PostgresSourceResource.dropSlotAndPublication(s, slot);
                }
                s.execute("DROP SCHEMA IF EXISTS " + namespace + " CASCADE");
            } else {
                s.execute("DROP TABLE IF EXISTS " + qualified());
                s.execute("DROP TABLE IF EXISTS " + namespace + "." + signalTable());
                if (strategy == CaptureStrategy.trigger) {
                    s.execute("DELETE FROM " + namespace + ".cdc_changelog WHERE table_name = '" + table + "'");
                    s.execute("DELETE FROM " + namespace + ".cdc_capture_state WHERE source = '" + source + "'");
                }
            }
        }
        KafkaTestSupport.deleteTopics(topic(), source + ".transaction");
    }
}
