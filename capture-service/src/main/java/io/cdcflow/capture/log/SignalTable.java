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
 */
record SignalTable(String sourceName, SourceConfig source, TableId id) {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        String signalId = UUID.randomUUID().toString();
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
                + SqlDialect.of(source.kind()).qualified(id) + " (id, type, data) VALUES (?, 'execute-snapshot', ?)")) {
            ps.setString(1, signalId);
            ps.setString(2, json);
            ps.executeUpdate();
        }
        return signalId;
    }

    private Connection connect() throws SQLException {
        SqlDialect dialect = SqlDialect.of(source.kind());
        Connection c = DriverManager.getConnection(dialect.jdbcUrl(source.host(), source.port(), source.database()),
                source.user(), source.password());
        c.setAutoCommit(true);
        return c;
    }
}
