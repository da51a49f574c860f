package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A fresh MariaDB log source {@code earlysnap} whose table {@code early_snap_items} already holds
 * {@value #ROWS} rows when capture starts with {@code snapshot-mode=no_data}, so every {@code r} event comes from an
 * on-demand snapshot; its signal table is created anew here, so that a request can be written the moment the
 * service is up. The test holds the source's leader lock from the start, so the service stands by until the test
 * lets go ({@link #releaseLock()}).
 */
public class MariaDbEarlySnapshotResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "earlysnap";
    static final String TABLE = "early_snap_items";
    static final String SIGNAL_TABLE = "cdcflow_signal_earlysnap";
    static final int ROWS = 300;

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        String db = stack.get("CDC_MARIADB_DB");
        try (Connection c = MariaDbSourceResource.connect(stack); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?)")) {
                for (int id = 1; id <= ROWS; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "item " + id);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            s.execute("DROP TABLE IF EXISTS " + SIGNAL_TABLE);
            s.execute("CREATE TABLE " + SIGNAL_TABLE
                    + " (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the MariaDB source", e);
        }
        KafkaTestSupport.deleteTopics(topic(stack));
        HeldLeaderLock.hold(SOURCE, CaptureConfigs.source(stack, SOURCE, DatabaseKind.mariadb, db + "." + TABLE,
                Map.of()));
        Map<String, String> config = MariaDbSourceResource.sourceConfig(stack, SOURCE, db + "." + TABLE);
        config.put("cdc.capture.sources." + SOURCE + ".log.snapshot-mode", "no_data");
        config.put("cdc.capture.leader-lock-interval", "1s");
        return config;
    }

    static String topic(StackEndpoints stack) {
        return SOURCE + "." + stack.get("CDC_MARIADB_DB") + "." + TABLE;
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
