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
 * A log-based PostgreSQL source {@code incrsnap} whose tables already hold rows when capture starts with
 * {@code snapshot-mode=no_data}, so every {@code r} event a test sees comes from an on-demand incremental snapshot:
 * {@code incr_snapshot.items} (4,000 rows) and {@code incr_snapshot.big} (10,000 rows), chunks of 50 rows, and the signal table
 * in the test's own schema.
 */
public class IncrementalSnapshotResource implements QuarkusTestResourceLifecycleManager {

    static final String SOURCE = "incrsnap";
    static final String ITEMS = "incr_snapshot.items";
    static final String BIG = "incr_snapshot.big";
    static final int ITEM_ROWS = 4_000;
    static final int BIG_ROWS = 10_000;
    static final int CHUNK = 50;

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            PostgresSourceResource.dropSlotAndPublication(s, "cdcflow_incrsnap");
            s.execute("DROP SCHEMA IF EXISTS incr_snapshot CASCADE");
            s.execute("CREATE SCHEMA incr_snapshot");
            for (String table : new String[]{ITEMS, BIG}) {
                s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL, version int NOT NULL)");
                s.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
            }
            s.execute("INSERT INTO " + ITEMS + " SELECT g, 'item-' || g, 0 FROM generate_series(1, " + ITEM_ROWS + ") g");
            s.execute("INSERT INTO " + BIG + " SELECT g, 'big-' || g, 0 FROM generate_series(1, " + BIG_ROWS + ") g");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the source database", e);
        }
        KafkaTestSupport.deleteTopics(topic(ITEMS), topic(BIG), SOURCE + ".transaction",
                SOURCE + ".incr_snapshot.cdcflow_signal");
        String prefix = "cdc.capture.sources." + SOURCE + ".";
        Map<String, String> config = PostgresSourceResource.sourceConfig(stack, SOURCE, ITEMS + "," + BIG);
        config.put(prefix + "log.snapshot-mode", "no_data");
        config.put(prefix + "log.signal-table", "incr_snapshot.cdcflow_signal");
        config.put(prefix + "log.incremental-snapshot-chunk-size", Integer.toString(CHUNK));
        // Offsets, and with them the snapshot's progress, committed every 0.1 s rather than every second, so that
        // the restart test can stop the source after some progress was committed and well before the snapshot ends.
        config.put(prefix + "debezium.offset.flush.interval.ms", "100");
        return config;
    }

    static String topic(String table) {
        return SOURCE + "." + table;
    }

    @Override
    public void stop() {
    }
}
