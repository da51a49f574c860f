package io.cdcflow.capture.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.jdbc.SqlDialect;
import io.cdcflow.capture.jdbc.TableId;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Debezium signal table of one log-based source ({@code signal.data.collection}): the columns Debezium expects
 * ({@code id}, {@code type}, {@code data}, in that order), created when absent and, on PostgreSQL, added to the
 * source's publication, since Debezium learns of a signal only by seeing its insert in the stream. A row of type
 * {@code execute-snapshot} asks for an incremental snapshot; Debezium inserts its own window markers there too.
 * Capture marks the requests it has streamed and writes again those its stream began too late to see
 * ({@link SignalReplay}); Debezium acts only on inserts, so neither the marks nor the probes' rows disturb it.
 */
record SignalTable(String sourceName, SourceConfig source, TableId id) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request Debezium acts on when it streams the row's insert. */
    static final String EXECUTE_SNAPSHOT = "execute-snapshot";
    /** A request capture saw in its stream, so Debezium acted on it. */
    static final String SEEN = "execute-snapshot-seen";
    /** A request written before the stream began, written again as a new row once it had. */
    static final String REPLAYED = "execute-snapshot-replayed";
    /**
     * Starts the id of every request capture writes: only those are replayed when unseen (not rows others insert,
     * nor those of versions that did not mark the requests they streamed).
     */
    static final String REQUEST_ID_PREFIX = "cdcflow-";

    /**
     * The configured signal table, or the default one, {@code public.cdcflow_signal_<source>} (PostgreSQL) or
     * {@code <database>.cdcflow_signal_<source>}: one per source, since every connector reading a signal table acts
     * on its signals and window markers.
     */
    static SignalTable of(String sourceName, SourceConfig source) {
        String configured = source.log().signalTable().orElse(
                (source.kind() == DatabaseKind.postgresql ? "public" : source.database()) + "."
                        + DebeziumProperties.defaultName(sourceName).replaceFirst("^cdcflow_", "cdcflow_signal_"));
        try {
            return new SignalTable(sourceName, source, TableId.parse(configured));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cdc.capture.sources." + sourceName + ".log.signal-table: " + e.getMessage(), e);
        }
    }

    /** The name Debezium's {@code signal.data.collection} and {@code table.include.list} take. */
    String dataCollection() {
        return id.qualifiedName();
    }

    /**
     * Creates the table when absent and, on PostgreSQL, adds it to an existing publication that lacks it (an absent
     * publication is created by Debezium from {@code table.include.list}, which lists the signal table).
     */
    void ensure(String publication) throws SQLException {
        SqlDialect dialect = SqlDialect.of(source.kind());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + dialect.qualified(id)
                    + " (id VARCHAR(64) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)");
            if (source.kind() != DatabaseKind.postgresql) {
                return;
            }
            boolean exists;
            boolean member;
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?),"
                    + " EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?)")) {
                ps.setString(1, publication);
                ps.setString(2, publication);
                ps.setString(3, id.namespace());
                ps.setString(4, id.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    exists = rs.getBoolean(1);
                    member = rs.getBoolean(2);
                }
            }
            if (exists && !member) {
                s.execute("ALTER PUBLICATION " + dialect.quote(TableId.requireIdentifier(publication))
                        + " ADD TABLE " + dialect.qualified(id));
            }
        }
    }

    /**
     * Inserts an {@code execute-snapshot} signal for an incremental snapshot of the given tables (as configured in
     * {@code tables}) and returns the signal's id. Capture picks it up from the stream, without stopping.
     */
    String requestIncrementalSnapshot(List<String> tables) throws SQLException {
        return requestSnapshot(tables, "incremental");
    }

    /**
     * Inserts an {@code execute-snapshot} signal for a blocking snapshot of the given tables and returns the signal's
     * id: when capture reaches it in the stream, it pauses streaming, reads the tables whole (their records marked as
     * snapshot records, the last of each table {@code last_in_data_collection}), and resumes.
     */
    String requestBlockingSnapshot(List<String> tables) throws SQLException {
        return requestSnapshot(tables, "blocking");
    }

    private String requestSnapshot(List<String> tables, String type) throws SQLException {
        String signalId = REQUEST_ID_PREFIX + UUID.randomUUID();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data-collections", tables);
        data.put("type", type);
        String json;
        try {
            json = JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the signal's data", e);
        }
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO "
                + SqlDialect.of(source.kind()).qualified(id) + " (id, type, data) VALUES (?, ?, ?)")) {
            ps.setString(1, signalId);
            ps.setString(2, EXECUTE_SNAPSHOT);
            ps.setString(3, json);
            ps.executeUpdate();
        }
        return signalId;
    }

    /**
     * The requests capture wrote and has not yet seen in its stream: {@code execute-snapshot} rows with its id
     * prefix, not marked by {@link #markSeen} or {@link #replay}.
     */
    List<String> unseenSnapshotSignals() throws SQLException {
        List<String> ids = new java.util.ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM "
                + SqlDialect.of(source.kind()).qualified(id) + " WHERE type = ? AND id LIKE ?")) {
            ps.setString(1, EXECUTE_SNAPSHOT);
            ps.setString(2, REQUEST_ID_PREFIX + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /**
     * Marks {@code execute-snapshot} rows seen in the stream (type {@code execute-snapshot-seen}). Debezium acts only on
     * inserts into the signal table, so the update is invisible to it.
     */
    void markSeen(java.util.Collection<String> signalIds) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("UPDATE "
                + SqlDialect.of(source.kind()).qualified(id) + " SET type = ? WHERE id = ? AND type = ?")) {
            ps.setString(1, SEEN);
            ps.setString(3, EXECUTE_SNAPSHOT);
            for (String signalId : signalIds) {
                ps.setString(2, signalId);
                ps.executeUpdate();
            }
        }
    }

    /**
     * Writes an unseen {@code execute-snapshot} row again, as a new row with the same data, and marks the old one
     * {@code execute-snapshot-replayed}, in one transaction. Returns the new row's id, or empty when the row is no
     * longer unseen.
     */
    java.util.Optional<String> replay(String signalId) throws SQLException {
        String table = SqlDialect.of(source.kind()).qualified(id);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement mark = c.prepareStatement("UPDATE " + table + " SET type = ? WHERE id = ? AND type = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                         + " (id, type, data) SELECT ?, ?, data FROM " + table + " WHERE id = ?")) {
                mark.setString(1, REPLAYED);
                mark.setString(2, signalId);
                mark.setString(3, EXECUTE_SNAPSHOT);
                if (mark.executeUpdate() == 0) {
                    c.rollback();
                    return java.util.Optional.empty();
                }
                String again = REQUEST_ID_PREFIX + UUID.randomUUID();
                insert.setString(1, again);
                insert.setString(2, EXECUTE_SNAPSHOT);
                insert.setString(3, signalId);
                insert.executeUpdate();
                c.commit();
                return java.util.Optional.of(again);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Inserts a {@code log} signal (Debezium logs its message when it streams it) with the given id: seeing it in
     * the stream proves that the stream began before it was written.
     */
    void probe(String signalId) throws SQLException {
        try (Connection c = connect()) {
            insertLog(c, signalId, "cdcflow source " + sourceName + ": the stream reached probe " + signalId);
        }
    }

    private void insertLog(Connection c, String signalId, String message) throws SQLException {
        String json;
        try {
            json = JSON.writeValueAsString(Map.of("message", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the signal's data", e);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO "
                + SqlDialect.of(source.kind()).qualified(id) + " (id, type, data) VALUES (?, 'log', ?)")) {
            ps.setString(1, signalId);
            ps.setString(2, json);
            ps.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        SqlDialect dialect = SqlDialect.of(source.kind());
        Connection c = DriverManager.getConnection(dialect.jdbcUrl(source.host(), source.port(), source.database()),
                source.user(), source.password());
        c.setAutoCommit(true);
        return c;
    }
}
