package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.capture.jdbc.MariaDbDialect;
import io.cdcflow.capture.jdbc.PostgresDialect;
import io.cdcflow.capture.jdbc.SqlDialect;
import io.cdcflow.capture.state.StateFile;
import io.cdcflow.capture.state.StateStore;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A trigger source's state that every instance able to capture it must see, kept in the source database next to
 * the change log: table {@value #TABLE}, one row per source and piece of state (the snapshot's progress). Whichever
 * instance takes the source's leader lock then goes on where the previous one stopped, with or without its state
 * folder (a standby without a shared volume, a pod rescheduled with a new one). A piece with no row yet is read
 * from the state folder's file of the same name once (where an earlier version kept it), and saved here from then
 * on. What must outlive a restore of the database (the highest published {@code seq}) stays out of it.
 *
 * <p>Lifecycle: created per run of a {@link TriggerChangeSource} on its connection (autocommit); {@link #create}
 * before the first use; each save is one upsert, committed when it returns.
 */
final class TriggerStateTable {

    static final String TABLE = "cdc_capture_state";

    private final SqlDialect dialect;
    private final String namespace;
    private final String source;
    private final Path stateDir;

    TriggerStateTable(SqlDialect dialect, String namespace, String source, Path stateDir) {
        this.dialect = dialect;
        this.namespace = namespace;
        this.source = source;
        this.stateDir = stateDir;
    }

    /** {@code CREATE TABLE IF NOT EXISTS}: what a DBA runs beforehand when capture may not create tables. */
    String createStatement() {
        return switch (dialect) {
            case PostgresDialect pg -> "CREATE TABLE IF NOT EXISTS " + table()
                    + " (source text NOT NULL, name text NOT NULL, state text NOT NULL, PRIMARY KEY (source, name))";
            case MariaDbDialect my -> "CREATE TABLE IF NOT EXISTS " + table()
                    + " (source VARCHAR(190) NOT NULL, name VARCHAR(64) NOT NULL, state LONGTEXT NOT NULL, "
                    + "PRIMARY KEY (source, name)) ENGINE=InnoDB";
        };
    }

    /** The statement that stores one piece of state, inserted or replaced. */
    String upsertStatement() {
        String insert = "INSERT INTO " + table() + " (source, name, state) VALUES (?, ?, ?)";
        return switch (dialect) {
            case PostgresDialect pg -> insert + " ON CONFLICT (source, name) DO UPDATE SET state = EXCLUDED.state";
            case MariaDbDialect my -> insert + " ON DUPLICATE KEY UPDATE state = VALUES(state)";
        };
    }

    /** Creates the table when it is absent (with {@code trigger.install}); fails naming the statement when the user may not. */
    void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(createStatement());
        } catch (SQLException e) {
            throw new SQLException("source " + source + ": cannot create the trigger strategy's state table ("
                    + e.getMessage() + "); create it beforehand: " + createStatement(), e.getSQLState(),
                    e.getErrorCode(), e);
        }
    }

    /** The piece of state {@code name} of this source, read and written through connection {@code c}. */
    StateStore store(Connection c, String name) {
        StateFile before = new StateFile(stateDir, source + "." + name + ".json");
        return new StateStore() {
            @Override
            public ObjectNode load() throws IOException {
                try (PreparedStatement ps = c.prepareStatement("SELECT state FROM " + table() + " WHERE source = ? AND name = ?")) {
                    ps.setString(1, source);
                    ps.setString(2, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            // Saved here at once, so that a standby without this state folder sees it too.
                            ObjectNode earlier = before.load();
                            if (!earlier.isEmpty()) {
                                save(earlier);
                            }
                            return earlier;
                        }
                        JsonNode state = Json.mapper().readTree(rs.getString(1));
                        if (state == null || !state.isObject()) {
                            throw new IOException(TABLE + " row (" + source + ", " + name + ") does not hold a JSON object; "
                                    + "delete it to start this state afresh");
                        }
                        return (ObjectNode) state;
                    }
                } catch (SQLException e) {
                    throw new IOException("source " + source + ": cannot read its " + name + " from " + TABLE + " ("
                            + e.getMessage() + "); with trigger.install=false, create it beforehand (" + createStatement()
                            + ") and grant the capture user SELECT, INSERT, UPDATE on it", e);
                }
            }

            @Override
            public void save(ObjectNode state) throws IOException {
                try (PreparedStatement ps = c.prepareStatement(upsertStatement())) {
                    ps.setString(1, source);
                    ps.setString(2, name);
                    ps.setString(3, Json.mapper().writeValueAsString(state));
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IOException("source " + source + ": cannot save its " + name + " in " + TABLE, e);
                }
            }

            @Override
            public String toString() {
                return table() + " (" + source + ", " + name + ")";
            }
        };
    }

    private String table() {
        return dialect.quote(namespace) + "." + dialect.quote(TABLE);
    }
}
