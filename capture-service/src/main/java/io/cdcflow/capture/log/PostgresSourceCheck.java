package io.cdcflow.capture.log;

import io.cdcflow.capture.config.SourceConfig;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before a PostgreSQL source starts, what Debezium would otherwise report late or not at all: the server's
 * {@code wal_level} is {@code logical}, every captured table exists and has a primary key, and (unless turned off)
 * has {@code REPLICA IDENTITY FULL}, so that no sink ever receives an unchanged TOAST value's placeholder, and the
 * replication slot, when it exists, is not lost (its WAL removed). A problem
 * fails with a message naming the property or table; an unreachable server is not a configuration problem, so the
 * check is skipped (capture retries the connection with backoff).
 */
final class PostgresSourceCheck {

    private static final Logger LOG = Logger.getLogger(PostgresSourceCheck.class);

    private PostgresSourceCheck() {
    }

    static void check(String name, SourceConfig source, String slot) {
        String prefix = "cdc.capture.sources." + name + ".";
        String url = "jdbc:postgresql://" + source.host() + ":" + source.port() + "/" + source.database()
                + "?ApplicationName=cdcflow-check&connectTimeout=5";
        List<String> problems = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, source.user(), source.password())) {
            try (PreparedStatement ps = c.prepareStatement("SHOW wal_level"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!"logical".equals(rs.getString(1))) {
                    problems.add("wal_level is '" + rs.getString(1) + "' on " + source.host() + ":" + source.port()
                            + "; log capture needs wal_level=logical (ALTER SYSTEM SET wal_level = logical; restart)");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        slotProblem(name, slot, rs.getString(1)).ifPresent(problems::add);
                    }
                }
            }
            for (String table : source.tables()) {
                String[] parts = table.split("\\.", 2);
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT c.relreplident,
                               EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""")) {
                    ps.setString(1, parts[0]);
                    ps.setString(2, parts[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            problems.add(prefix + "tables: table " + table + " does not exist (or " + source.user()
                                    + " cannot see it)");
                        } else if (!rs.getBoolean(2)) {
                            problems.add(prefix + "tables: table " + table + " has no primary key; every captured row needs one");
                        } else if (!"f".equals(rs.getString(1))) {
                            String msg = "table " + table + " lacks REPLICA IDENTITY FULL (ALTER TABLE " + table
                                    + " REPLICA IDENTITY FULL): its updates would carry no old values and unchanged TOAST columns"
                                    + " would arrive as a placeholder";
                            if (source.log().requireFullReplicaIdentity()) {
                                problems.add(prefix + "tables: " + msg + "; or set " + prefix
                                        + "log.require-full-replica-identity=false to accept that");
                            } else {
                                LOG.warnf("source %s: %s", name, msg);
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                LOG.warnf("source %s: cannot reach %s:%d to check its configuration (%s); capture will retry",
                        name, source.host(), source.port(), e.getMessage());
                return;
            }
            problems.add("cannot check source " + name + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /**
     * What a replication slot's {@code wal_status} means for capture: {@code lost} is fatal (the server removed WAL
     * the slot still needed, because of {@code max_slot_wal_keep_size}: changes are gone, so resuming would skip them
     * silently) and names the recovery; {@code unreserved} (the next checkpoint may remove that WAL) is a warning.
     */
    static java.util.Optional<String> slotProblem(String name, String slot, String walStatus) {
        String prefix = "cdc.capture.sources." + name + ".";
        if ("lost".equals(walStatus)) {
            return java.util.Optional.of(prefix + "log.slot-name: replication slot " + slot + " is lost (wal_status=lost):"
                    + " the server removed WAL it had not yet streamed (max_slot_wal_keep_size), so changes made"
                    + " meanwhile are gone and capture cannot resume from it. Recover with a new snapshot: SELECT"
                    + " pg_drop_replication_slot('" + slot + "'); delete " + name + ".offsets in cdc.capture.state-dir;"
                    + " restart capture-service (log.snapshot-mode=initial re-reads every table; rows deleted meanwhile"
                    + " stay in the sinks until you reset them)");
        }
        if ("unreserved".equals(walStatus)) {
            LOG.warnf("source %s: replication slot %s is about to lose WAL it needs (wal_status=unreserved, beyond"
                    + " max_slot_wal_keep_size); capture must catch up before the next checkpoint or the slot is lost",
                    name, slot);
        }
        return java.util.Optional.empty();
    }
}
