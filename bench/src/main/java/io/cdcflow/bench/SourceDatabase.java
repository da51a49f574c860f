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

    static void dropSlots(Connection c, List<String> slots) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY (?) AND NOT active")) {
            ps.setArray(1, c.createArrayOf("text", slots.toArray()));
            ps.execute();
        }
    }

    static String currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
