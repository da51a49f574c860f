package io.cdcflow.bench;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** What the parts do to the source PostgreSQL besides writing changes: the demo schema, replication slots, the WAL position. */
final class SourceDatabase {

    private SourceDatabase() {
    }

    static void applySchema(BenchEnv env) throws Exception {
        String sql = Files.readString(env.repo().resolve("bin/sql/inventory-postgres.sql"));
        try (Connection c = env.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static void createSlot(Connection c, String slot, String plugin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, ?)")) {
            ps.setString(1, slot);
            ps.setString(2, plugin);
            ps.execute();
        }
    }

    /**
     * Drops the bench's slots, first ending the session of a reader that still holds one (a process the bench has just
     * stopped may not have let go yet); fails naming a slot still there after 10 s, which would keep WAL on the source.
     */
    static void dropSlots(Connection c, List<String> slots) throws SQLException {
        java.sql.Array names = c.createArrayOf("text", slots.toArray());
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ANY (?) AND active")) {
            ps.setArray(1, names);
            ps.execute();
        }
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> left;
        do {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY (?) AND NOT active")) {
                ps.setArray(1, names);
                ps.execute();
            }
            left = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT slot_name FROM pg_replication_slots WHERE slot_name = ANY (?)")) {
                ps.setArray(1, names);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        left.add(rs.getString(1));
                    }
                }
            }
            if (!left.isEmpty()) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } while (!left.isEmpty() && System.currentTimeMillis() < deadline);
        if (!left.isEmpty()) {
            throw new IllegalStateException("replication slots " + left + " are still in use and were not dropped: drop"
                    + " them (SELECT pg_drop_replication_slot('<name>')) or they keep WAL on the source");
        }
    }

    static String currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
