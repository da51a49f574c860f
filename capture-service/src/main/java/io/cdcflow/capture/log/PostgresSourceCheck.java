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
 * has {@code REPLICA IDENTITY FULL}, so that no sink ever receives an unchanged TOAST value's placeholder. A problem
 * fails with a message naming the property or table; an unreachable server is not a configuration problem, so the
 * check is skipped (capture retries the connection with backoff).
 */
final class PostgresSourceCheck {

    private static final Logger LOG = Logger.getLogger(PostgresSourceCheck.class);

    private PostgresSourceCheck() {
    }

    static void check(String name, SourceConfig source) {
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
                            if (source.requireFullReplicaIdentity()) {
                                problems.add(prefix + "tables: " + msg + "; or set " + prefix
                                        + "require-full-replica-identity=false to accept that");
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
}
