package io.cdcflow.capture.leader;

import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A {@link LeaderLock} held in the source database: a session-level advisory lock in PostgreSQL
 * ({@code pg_try_advisory_lock}), a named lock in MySQL/MariaDB ({@code GET_LOCK}). Both are released by the
 * server when the holding session ends, so a killed instance never leaves a stale lock behind.
 *
 * <p>A killed process's sessions end at once (its kernel closes the connections). A holder that goes silent with
 * its connection still open (its host lost, a network partition, a frozen process) would keep the lock until the
 * server notices, hours with default TCP settings. So the lock's session is given an idle timeout
 * ({@code idle_session_timeout} on PostgreSQL 14+, {@code wait_timeout} on MySQL/MariaDB): the live holder touches it
 * every {@code leader-lock-interval} ({@link #held()}), a silent one loses it after {@link #sessionTimeout}.
 */
public final class JdbcLeaderLock implements LeaderLock {

    private static final Logger LOG = Logger.getLogger(JdbcLeaderLock.class);
    /** The idle timeout of a lock session when no interval is given: three of the default 5 s checks. */
    private static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);

    private final String sourceName;
    private final SourceConfig source;
    private final Duration sessionTimeout;
    private Connection session;

    public JdbcLeaderLock(String sourceName, SourceConfig source) {
        this(sourceName, source, DEFAULT_SESSION_TIMEOUT);
    }

    /** @param sessionTimeout how long the server keeps the lock's session (and the lock) once its holder went silent */
    public JdbcLeaderLock(String sourceName, SourceConfig source, Duration sessionTimeout) {
        this.sourceName = sourceName;
        this.source = source;
        this.sessionTimeout = sessionTimeout;
    }

    /**
     * The idle timeout of the lock's session for a holder that checks it every {@code interval}: three missed checks,
     * and at least ten seconds, so that a pause of the holder (a long GC, a slow check) does not cost it the lock.
     */
    public static Duration sessionTimeout(Duration interval) {
        Duration three = interval.multipliedBy(3);
        return three.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : three;
    }

    /** The statement that sets the session's idle timeout, for a server of this kind and major version. */
    static java.util.Optional<String> sessionTimeoutStatement(DatabaseKind kind, int majorVersion, Duration timeout) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        return switch (kind) {
            // Before 14 PostgreSQL has no idle timeout for sessions; there the server's TCP keepalives decide.
            case postgresql -> majorVersion >= 14
                    ? java.util.Optional.of("SET idle_session_timeout = '" + seconds + "s'") : java.util.Optional.empty();
            case mysql, mariadb -> java.util.Optional.of("SET SESSION wait_timeout = " + seconds);
        };
    }

    @Override
    public synchronized boolean tryAcquire() {
        try {
            // A session the server ended (its idle timeout, a restart) is replaced by a new one.
            if (session == null || session.isClosed() || !session.isValid(2)) {
                closeSession();
                session = DriverManager.getConnection(url(), source.user(), source.password());
                var timeout = sessionTimeoutStatement(source.kind(), session.getMetaData().getDatabaseMajorVersion(),
                        sessionTimeout);
                if (timeout.isPresent()) {
                    try (Statement s = session.createStatement()) {
                        s.execute(timeout.get());
                    }
                }
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
