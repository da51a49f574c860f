package io.cdcflow.capture.log;

import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Notices that a MySQL/MariaDB server's binlog went back behind what capture read from it ({@code RESET MASTER},
 * a restore of an older backup): the binlog reader then waits at a position the server will only reach with other
 * events, and capture would sit there, healthy and blind. Compares the farthest binlog coordinates read in this run
 * of the engine (one run reads one server) with the server's current ones ({@code SHOW MASTER STATUS}), which can
 * only be ahead in one history. Created per run; {@link #read} is called from the engine's thread, {@link #check}
 * from a timer.
 */
final class BinlogHistoryWatch {

    private static final Logger LOG = Logger.getLogger(BinlogHistoryWatch.class);

    private final String url;
    private final SourceConfig source;
    private volatile Coordinates farthest;

    BinlogHistoryWatch(SourceConfig source) {
        this(source, (source.kind() == DatabaseKind.mysql ? "jdbc:mysql://" : "jdbc:mariadb://") + source.host() + ":"
                + source.port() + "/" + source.database());
    }

    BinlogHistoryWatch(SourceConfig source, String url) {
        this.source = source;
        this.url = url;
    }

    /** Binlog coordinates: the file's number ({@code mariadb-bin.000042} is 42) and the offset in it. */
    record Coordinates(long file, long pos) implements Comparable<Coordinates> {

        static Optional<Coordinates> of(String file, long pos) {
            if (file == null || file.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Coordinates(Long.parseLong(file.substring(file.lastIndexOf('.') + 1)), pos));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public int compareTo(Coordinates o) {
            return file != o.file ? Long.compare(file, o.file) : Long.compare(pos, o.pos);
        }

        @Override
        public String toString() {
            return "file " + file + " position " + pos;
        }
    }

    /** Records where a change read in this run sits in the server's binlog. */
    void read(String file, long pos) {
        Coordinates.of(file, pos).ifPresent(c -> {
            Coordinates f = farthest;
            if (f == null || c.compareTo(f) > 0) {
                farthest = c;
            }
        });
    }

    /**
     * The reason the server's binlog is behind what was read from it, if it is; empty while all is well, before
     * anything was read, or when the server cannot be asked (the engine reports a lost connection itself).
     */
    Optional<String> check() {
        Coordinates read = farthest;
        if (read == null) {
            return Optional.empty();
        }
        Optional<Coordinates> server = serverCoordinates();
        return server.filter(s -> s.compareTo(read) < 0).map(s -> "the server's binlog (now at " + s
                + ") is behind what capture read from it (" + read + "): its binlog history was reset");
    }

    /** The server's current binlog coordinates; MySQL 8.4 calls the statement SHOW BINARY LOG STATUS. */
    private Optional<Coordinates> serverCoordinates() {
        try (Connection c = DriverManager.getConnection(url, source.user(), source.password());
             Statement s = c.createStatement()) {
            s.setQueryTimeout(10);
            for (String statement : new String[]{"SHOW MASTER STATUS", "SHOW BINARY LOG STATUS"}) {
                try (ResultSet rs = s.executeQuery(statement)) {
                    return rs.next() ? Coordinates.of(rs.getString("File"), rs.getLong("Position")) : Optional.empty();
                } catch (SQLException e) {
                    LOG.debugf(e, "%s failed; trying the next form", statement);
                }
            }
        } catch (SQLException e) {
            LOG.debugf(e, "cannot read the binlog coordinates at %s", url);
        }
        return Optional.empty();
    }
}
