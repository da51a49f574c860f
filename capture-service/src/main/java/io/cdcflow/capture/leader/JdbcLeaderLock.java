package io.cdcflow.capture.leader;

import io.cdcflow.capture.config.SourceConfig;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A {@link LeaderLock} held in the source database: a session-level advisory lock in PostgreSQL
 * ({@code pg_try_advisory_lock}), a named lock in MySQL/MariaDB ({@code GET_LOCK}). Both are released by the
 * server when the holding session ends, so a killed instance never leaves a stale lock behind.
 */
public final class JdbcLeaderLock implements LeaderLock {

    private static final Logger LOG = Logger.getLogger(JdbcLeaderLock.class);

    private final String sourceName;
    private final SourceConfig source;
    private Connection session;

    public JdbcLeaderLock(String sourceName, SourceConfig source) {
        this.sourceName = sourceName;
        this.source = source;
    }

    @Override
    public synchronized boolean tryAcquire() {
        try {
            if (session == null || session.isClosed()) {
                session = DriverManager.getConnection(url(), source.user(), source.password());
            }
            boolean got = switch (source.kind()) {
                case postgresql -> query("SELECT pg_try_advisory_lock(hashtext(?))", "cdcflow.capture." + sourceName);
                case mysql, mariadb -> query("SELECT GET_LOCK(?, 0) = 1", "cdcflow.capture." + sourceName);
            };
            if (!got) {
                closeSession();
            }
            return got;
        } catch (SQLException e) {
            LOG.debugf(e, "leader lock of source %s not taken", sourceName);
            closeSession();
            return false;
        }
    }

    @Override
    public synchronized boolean held() {
        try {
            return session != null && session.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        closeSession();
    }

    private boolean query(String sql, String name) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close(); // ends the session, which releases the lock server-side
            } catch (SQLException e) {
                LOG.debugf(e, "closing the leader-lock session of %s", sourceName);
            }
            session = null;
        }
    }

    private String url() {
        return switch (source.kind()) {
            case postgresql -> "jdbc:postgresql://" + source.host() + ":" + source.port() + "/" + source.database()
                    + "?ApplicationName=cdcflow-leader-" + sourceName + "&tcpKeepAlive=true";
            case mysql -> "jdbc:mysql://" + source.host() + ":" + source.port() + "/" + source.database();
            case mariadb -> "jdbc:mariadb://" + source.host() + ":" + source.port() + "/" + source.database();
        };
    }
}
