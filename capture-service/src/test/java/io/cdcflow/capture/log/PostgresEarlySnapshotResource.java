package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A fresh PostgreSQL log source {@code earlysnappg} (no replication slot yet) whose table
 * {@code early_snap.items} already holds {@value #ROWS} rows when capture starts with {@code snapshot-mode=no_data};
 * its signal table is created here. The test holds the source's leader lock from the start, so the service stands
 * by until the test lets go ({@link #releaseLock()}).
 */
public class PostgresEarlySnapshotResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "earlysnappg";
    static final String TABLE = "early_snap.items";
    static final String SLOT = "cdcflow_earlysnappg";
    static final int ROWS = 300;

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            PostgresSourceResource.dropSlotAndPublication(s, SLOT);
            s.execute("DROP SCHEMA IF EXISTS early_snap CASCADE");
            s.execute("CREATE SCHEMA early_snap");
            s.execute("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL)");
            s.execute("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
            s.execute("INSERT INTO " + TABLE + " SELECT g, 'item ' || g FROM generate_series(1, " + ROWS + ") g");
            s.execute("CREATE TABLE early_snap.cdcflow_signal"
                    + " (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        KafkaTestSupport.deleteTopics(topic(), SOURCE + ".transaction");
        HeldLeaderLock.hold(SOURCE, CaptureConfigs.source(stack, SOURCE, DatabaseKind.postgresql, TABLE, Map.of()));
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> config = PostgresSourceResource.sourceConfig(stack, SOURCE, TABLE);
        config.put(prefix + "log.snapshot-mode", "no_data");
        config.put(prefix + "log.signal-table", "early_snap.cdcflow_signal");
        config.put("cdc.capture.leader-lock-interval", "1s");
        return config;
    }

    static String topic() {
        return SOURCE + "." + TABLE;
    }

    /** Lets the service take the source's leader lock and start capturing. */
    static void releaseLock() {
        HeldLeaderLock.release(SOURCE);
    }

    @Override
    public void stop() {
        releaseLock();
    }
}
