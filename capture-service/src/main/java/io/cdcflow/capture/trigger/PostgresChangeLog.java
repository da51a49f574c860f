package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.jdbc.PostgresDialect;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.CapturedTable;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL change log: a table and a PL/pgSQL trigger function in one schema ({@code cdc} by default),
 * and an AFTER INSERT OR UPDATE OR DELETE row trigger {@code cdcflow_capture} per table that records
 * {@code to_jsonb(OLD)}/{@code to_jsonb(NEW)}, the transaction id and the time. An UPDATE whose new row renders
 * exactly as the old one is not recorded (text comparison, so it also works for types without equality, e.g. json).
 * A statement trigger {@code cdcflow_capture_truncate} records a TRUNCATE as one {@code t} change without images;
 * TRUNCATE waits for every transaction writing the table, so its {@code seq} orders it after all of their changes.
 */
public record PostgresChangeLog(PostgresDialect dialect, String schema) implements ChangeLog {

    /** The name of the trigger on every captured table. */
    public static final String TRIGGER = "cdcflow_capture";
    /** The name of the statement trigger recording truncates. */
    public static final String TRUNCATE_TRIGGER = "cdcflow_capture_truncate";
    /** The name of the trigger function. */
    public static final String FUNCTION = "cdcflow_capture_change";

    @Override
    public String namespace() {
        return schema;
    }

    private String log() {
        return dialect.quote(schema) + "." + dialect.quote(TABLE);
    }

    private String function() {
        return dialect.quote(schema) + "." + dialect.quote(FUNCTION);
    }

    /** The DDL that creates the change-log table and the trigger function, idempotently. */
    List<String> installStatements() {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + dialect.quote(schema),
                "CREATE TABLE IF NOT EXISTS " + log() + " ("
                        + "seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                        + "txid xid8 NOT NULL DEFAULT pg_current_xact_id(), "
                        + "schema_name text NOT NULL, table_name text NOT NULL, op char(1) NOT NULL, "
                        + "before_image jsonb, after_image jsonb, "
                        + "changed_at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE INDEX IF NOT EXISTS " + dialect.quote(TABLE + "_changed_at") + " ON " + log() + " (changed_at)",
                "CREATE OR REPLACE FUNCTION " + function() + "() RETURNS trigger LANGUAGE plpgsql AS $cdcflow$\n"
                        + "BEGIN\n"
                        + "  IF TG_OP = 'TRUNCATE' THEN\n"
                        + "    INSERT INTO " + log() + " (schema_name, table_name, op) VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME, 't');\n"
                        + "    RETURN NULL;\n"
                        + "  END IF;\n"
                        + "  IF TG_OP = 'UPDATE' AND OLD::text IS NOT DISTINCT FROM NEW::text THEN RETURN NULL; END IF;\n"
                        + "  INSERT INTO " + log() + " (schema_name, table_name, op, before_image, after_image)\n"
                        + "  VALUES (TG_TABLE_SCHEMA, TG_TABLE_NAME,\n"
                        + "          CASE TG_OP WHEN 'INSERT' THEN 'c' WHEN 'UPDATE' THEN 'u' ELSE 'd' END,\n"
                        + "          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,\n"
                        + "          CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);\n"
                        + "  RETURN NULL;\n"
                        + "END\n$cdcflow$");
    }

    /** The DDL that (re)creates the triggers of one table: the row trigger, then the truncate trigger. */
    List<String> triggerStatements(TableId table) {
        return List.of("CREATE OR REPLACE TRIGGER " + dialect.quote(TRIGGER) + " AFTER INSERT OR UPDATE OR DELETE ON "
                        + dialect.qualified(table) + " FOR EACH ROW EXECUTE FUNCTION " + function() + "()",
                "CREATE OR REPLACE TRIGGER " + dialect.quote(TRUNCATE_TRIGGER) + " AFTER TRUNCATE ON "
                        + dialect.qualified(table) + " FOR EACH STATEMENT EXECUTE FUNCTION " + function() + "()");
    }

    /**
     * Installs in short transactions that never hold a lock on the change log while waiting for one on a captured
     * table: the change log and the function first (its table and index only when missing, since even
     * {@code CREATE INDEX IF NOT EXISTS} locks the change log against the triggers' inserts), committed; then the
     * triggers of each table that lacks them, one table a transaction. A transaction holding both locks at once
     * deadlocks with an application transaction that wrote a captured table and is about to log the change.
     */
    @Override
    public void install(Connection c, List<CapturedTable> tables) throws SQLException {
        boolean logReady = exists(c, log()) && exists(c, dialect.quote(schema) + "." + dialect.quote(TABLE + "_changed_at"));
        inTransaction(c, s -> {
            for (String ddl : installStatements()) {
                if (!logReady || ddl.startsWith("CREATE OR REPLACE FUNCTION") || ddl.startsWith("CREATE SCHEMA")) {
                    s.execute(ddl);
                }
            }
        });
        for (CapturedTable t : tables) {
            if (!hasTriggers(c, t.id())) {
                inTransaction(c, s -> {
                    for (String ddl : triggerStatements(t.id())) {
                        s.execute(ddl);
                    }
                });
            }
        }
    }

    /** Runs {@code work} in one transaction, serialized with other capturers installing at the same time. */
    private static void inTransaction(Connection c, SqlWork work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // Two capturers installing at once would race on CREATE OR REPLACE FUNCTION; serialize them.
            s.execute("SELECT pg_advisory_xact_lock(hashtext('cdcflow.trigger.install'))");
            work.run(s);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run(Statement s) throws SQLException;
    }

    private static boolean exists(Connection c, String qualified) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, qualified);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** True when the table has both capture triggers (their text never changes; the function they call may). */
    private static boolean hasTriggers(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_trigger g "
                + "JOIN pg_class r ON r.oid = g.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE g.tgname IN (?, ?) AND n.nspname = ? AND r.relname = ?")) {
            ps.setString(1, TRIGGER);
            ps.setString(2, TRUNCATE_TRIGGER);
            ps.setString(3, table.namespace());
            ps.setString(4, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 2;
            }
        }
    }

    @Override
    public boolean raiseSequenceAbove(Connection c, long highestPublished) throws SQLException {
        if (!numbersBelow(c, highestPublished)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT setval(?, ?, true)")) {
            ps.setString(1, sequence(c));
            ps.setLong(2, highestPublished);
            ps.execute();
        }
        return true;
    }

    @Override
    public boolean numbersBelow(Connection c, long highestPublished) throws SQLException {
        long last;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "
                     + sequence(c))) {
            rs.next();
            last = rs.getLong(1);
        }
        return last < highestPublished;
    }

    private String sequence(Connection c) throws SQLException {
        String sequence;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, 'seq')")) {
            ps.setString(1, log());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sequence = rs.getString(1);
            }
        }
        return sequence;
    }

    @Override
    public void checkCanInstall(Connection c, List<TableId> tables) throws SQLException {
        try (PreparedStatement db = c.prepareStatement("SELECT has_database_privilege(current_database(), 'CREATE') "
                + "OR EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ? AND has_schema_privilege(oid, 'CREATE'))");
             PreparedStatement table = c.prepareStatement("SELECT has_table_privilege(?, 'TRIGGER')")) {
            db.setString(1, schema);
            try (ResultSet rs = db.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SQLException("the user may not create the schema or objects in schema " + schema
                            + " (needs CREATE on the database, or on that schema)");
                }
            }
            for (TableId t : tables) {
                table.setString(1, dialect.qualified(t));
                try (ResultSet rs = table.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new SQLException("the user may not create triggers on " + t + " (needs the TRIGGER privilege)");
                    }
                }
            }
        }
    }

    @Override
    public void uninstall(Connection c, List<TableId> tables, boolean dropChangeLog) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (TableId t : tables) {
                s.execute("DROP TRIGGER IF EXISTS " + dialect.quote(TRIGGER) + " ON " + dialect.qualified(t));
                s.execute("DROP TRIGGER IF EXISTS " + dialect.quote(TRUNCATE_TRIGGER) + " ON " + dialect.qualified(t));
            }
            if (dropChangeLog) {
                s.execute("DROP FUNCTION IF EXISTS " + function() + "() CASCADE");
                s.execute("DROP TABLE IF EXISTS " + log());
            }
        }
    }

    @Override
    public boolean installed(Connection c, List<TableId> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_trigger g "
                + "JOIN pg_class r ON r.oid = g.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
                + "WHERE g.tgname = ? AND n.nspname = ? AND r.relname = ?")) {
            for (TableId t : tables) {
                ps.setString(1, TRIGGER);
                ps.setString(2, t.namespace());
                ps.setString(3, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The query reading the oldest changes of the captured tables. */
    String readStatement() {
        return "SELECT seq, txid::text, schema_name, table_name, op, before_image::text, after_image::text, "
                + "(extract(epoch FROM changed_at) * 1000)::bigint FROM " + log()
                + " WHERE schema_name || '.' || table_name = ANY (?) ORDER BY seq LIMIT ?";
    }

    @Override
    public List<LoggedChange> read(Connection c, List<TableId> tables, int limit) throws SQLException {
        List<LoggedChange> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(readStatement())) {
            Array names = c.createArrayOf("text", tables.stream().map(TableId::qualifiedName).toArray());
            ps.setArray(1, names);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LoggedChange(rs.getLong(1), Long.parseLong(rs.getString(2)),
                            new TableId(rs.getString(3), rs.getString(4)), Op.fromCode(rs.getString(5).trim()),
                            image(rs.getString(6)), image(rs.getString(7)), rs.getLong(8)));
                }
            }
        }
        return out;
    }

    @Override
    public int delete(Connection c, List<Long> seqs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + log() + " WHERE seq = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
            return ps.executeUpdate();
        }
    }

    @Override
    public int expire(Connection c, Duration maxAge) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + log()
                + " WHERE changed_at < clock_timestamp() - ?::bigint * interval '1 millisecond'")) {
            ps.setLong(1, maxAge.toMillis());
            return ps.executeUpdate();
        }
    }

    static JsonNode image(String json) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("a change-log image is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
