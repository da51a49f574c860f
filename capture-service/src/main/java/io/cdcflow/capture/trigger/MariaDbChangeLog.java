package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.Column;
import io.cdcflow.capture.jdbc.MariaDbDialect;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.CapturedTable;
import io.cdcflow.model.Op;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The MySQL/MariaDB change log: a table in one database (the source database by default) and three row
 * triggers per captured table ({@code cdcflow_<table>_ai/_au/_ad}) whose {@code JSON_OBJECT} images are
 * generated from the catalog at install time: a start-up creates the ones missing and replaces the ones whose
 * columns changed, and so does capture when it sees a table's columns change. An UPDATE that changes no column ({@code <=>} on every column) is not
 * recorded. MySQL/MariaDB expose no transaction id to triggers, so {@code txid} stays null. With binary logging
 * on, creating triggers needs SUPER or {@code log_bin_trust_function_creators=1}.
 */
public record MariaDbChangeLog(MariaDbDialect dialect, String database) implements ChangeLog {

    private static final int MAX_IDENTIFIER = 64;
    private static final List<String> SUFFIXES = List.of("_ai", "_au", "_ad");
    /** ER_BAD_FIELD_ERROR: a trigger names a column the table no longer has. */
    private static final int UNKNOWN_COLUMN = 1054;

    @Override
    public String namespace() {
        return database;
    }

    private String log() {
        return dialect.quote(database) + "." + dialect.quote(TABLE);
    }

    /** The DDL of the change-log table, idempotent. */
    String createTableStatement() {
        return "CREATE TABLE IF NOT EXISTS " + log() + " ("
                + "seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, txid BIGINT NULL, "
                + "schema_name VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, op CHAR(1) NOT NULL, "
                + "before_image LONGTEXT NULL, after_image LONGTEXT NULL, "
                + "changed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
                + "KEY cdc_changelog_changed_at (changed_at)) ENGINE=InnoDB";
    }

    /** The name of one of a table's triggers; fails when the table name leaves no room for the suffix. */
    static String triggerName(TableId table, String suffix) {
        String name = "cdcflow_" + table.table() + suffix;
        if (name.length() > MAX_IDENTIFIER) {
            throw new IllegalArgumentException("table " + table + ": the trigger name " + name + " is longer than "
                    + MAX_IDENTIFIER + " characters; the trigger strategy needs table names of at most 53");
        }
        return name;
    }

    /**
     * The DDL of the three triggers of a table (INSERT, UPDATE, DELETE), in that order.
     *
     * <p>Each names the table's columns, so a column dropped or renamed after it was generated would make it fail, and
     * with it the application's write. It never does: a handler for an unknown column (error 1054) logs the change with
     * a key-only image instead, and when the key columns themselves are gone, with no image at all. Capture notices the
     * table's new shape, regenerates the triggers, reads the current row for a key-only image and the whole table again
     * for an image-less one ({@link TriggerChangeSource}).
     */
    List<String> triggerStatements(CapturedTable table) {
        TableId id = table.id();
        String create = dialect.mariadb() ? "CREATE OR REPLACE TRIGGER " : "CREATE TRIGGER ";
        String prefix = " ON " + dialect.qualified(id) + " FOR EACH ROW ";
        String insert = "INSERT INTO " + log() + " (schema_name, table_name, op, before_image, after_image) VALUES ('"
                + TableId.requireIdentifier(id.namespace()) + "', '" + TableId.requireIdentifier(id.table()) + "', ";
        CapturedTable key = new CapturedTable(id, table.keyColumns(), table.primaryKey());
        String newImage = dialect.rowImage(table, "NEW");
        String oldImage = dialect.rowImage(table, "OLD");
        String newKey = dialect.rowImage(key, "NEW");
        String oldKey = dialect.rowImage(key, "OLD");
        StringJoiner same = new StringJoiner(" AND ");
        for (Column c : table.columns()) {
            same.add("NEW." + dialect.quote(c.name()) + " <=> OLD." + dialect.quote(c.name()));
        }
        return List.of(
                create + name(id, "_ai") + " AFTER INSERT" + prefix + guarded(insert + "'c', NULL, " + newImage + ")",
                        insert + "'c', NULL, " + newKey + ")", insert + "'c', NULL, NULL)"),
                create + name(id, "_au") + " AFTER UPDATE" + prefix + guarded("IF NOT (" + same + ") THEN "
                                + insert + "'u', " + oldImage + ", " + newImage + "); END IF",
                        insert + "'u', " + oldKey + ", " + newKey + ")", insert + "'u', NULL, NULL)"),
                create + name(id, "_ad") + " AFTER DELETE" + prefix + guarded(insert + "'d', " + oldImage + ", NULL)",
                        insert + "'d', " + oldKey + ", NULL)", insert + "'d', NULL, NULL)"));
    }

    /** A trigger body: {@code logged}, or when a column it names is gone {@code keyOnly}, or when a key column is too {@code bare}. */
    private static String guarded(String logged, String keyOnly, String bare) {
        return "BEGIN DECLARE CONTINUE HANDLER FOR " + UNKNOWN_COLUMN + " BEGIN DECLARE CONTINUE HANDLER FOR "
                + UNKNOWN_COLUMN + " " + bare + "; " + keyOnly + "; END; " + logged + "; END";
    }

    private String name(TableId table, String suffix) {
        return dialect.quote(table.namespace()) + "." + dialect.quote(triggerName(table, suffix));
    }

    /**
     * Creates the change log when absent, and each trigger that is missing or whose body is not the one this
     * release generates for the table's current columns; a trigger that is already right is left alone, so an
     * ordinary start never drops a working trigger. MariaDB replaces a trigger atomically ({@code CREATE OR
     * REPLACE}); MySQL has no such statement, so a changed trigger is dropped and created again, and changes in
     * between are not logged: change a MySQL table's columns while its writers are stopped, or re-snapshot after.
     */
    @Override
    public void install(Connection c, List<CapturedTable> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(createTableStatement());
            for (CapturedTable t : tables) {
                Map<String, String> existing = existingBodies(c, t.id());
                for (String ddl : triggerStatements(t)) {
                    String name = ddl.substring(ddl.indexOf(" TRIGGER ") + " TRIGGER ".length(), ddl.indexOf(" AFTER "));
                    String bare = name.substring(name.lastIndexOf('.') + 1).replace("`", "");
                    String body = ddl.substring(ddl.indexOf(" FOR EACH ROW ") + " FOR EACH ROW ".length());
                    if (body.equals(existing.get(bare))) {
                        continue;
                    }
                    if (!dialect.mariadb() && existing.containsKey(bare)) {
                        s.execute("DROP TRIGGER IF EXISTS " + name);
                    }
                    s.execute(ddl);
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1419) {
                throw new SQLException("creating triggers needs the SUPER privilege or log_bin_trust_function_creators=1 "
                        + "while binary logging is on: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
    }

    /** The bodies of the capture triggers a table has now, by trigger name. */
    private static Map<String, String> existingBodies(Connection c, TableId table) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS "
                + "WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME LIKE 'cdcflow\\_%'")) {
            ps.setString(1, table.namespace());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    @Override
    public boolean raiseSequenceAbove(Connection c, long highestPublished) throws SQLException {
        if (!numbersBelow(c, highestPublished)) {
            return false;
        }
        try (Statement s = c.createStatement()) {
            // InnoDB takes the larger of this and MAX(seq) + 1.
            s.execute("ALTER TABLE " + log() + " AUTO_INCREMENT = " + (highestPublished + 1));
        }
        return true;
    }

    @Override
    public boolean numbersBelow(Connection c, long highestPublished) throws SQLException {
        long next;
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM " + log())) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                next = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT AUTO_INCREMENT FROM information_schema.TABLES "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, database);
            ps.setString(2, TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > next) {
                    next = rs.getLong(1);
                }
            }
        }
        return next <= highestPublished;
    }

    @Override
    public void checkCanInstall(Connection c, List<TableId> tables) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin, @@log_bin_trust_function_creators")) {
            rs.next();
            if (rs.getInt(1) == 1 && rs.getInt(2) == 0 && !hasGlobal(c, "SUPER")) {
                throw new SQLException("binary logging is on and log_bin_trust_function_creators is off: creating "
                        + "triggers needs the SUPER privilege, or set log_bin_trust_function_creators=1 on the server");
            }
        }
    }

    /** True when the current user holds a global privilege (or ALL PRIVILEGES). */
    private static boolean hasGlobal(Connection c, String privilege) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                String grant = rs.getString(1);
                if (grant.contains(" ON *.* ") && (grant.contains(privilege) || grant.contains("ALL PRIVILEGES"))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void uninstall(Connection c, List<TableId> tables, boolean dropChangeLog) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (TableId t : tables) {
                for (String suffix : SUFFIXES) {
                    s.execute("DROP TRIGGER IF EXISTS " + name(t, suffix));
                }
            }
            if (dropChangeLog) {
                s.execute("DROP TABLE IF EXISTS " + log());
            }
        }
    }

    @Override
    public boolean installed(Connection c, List<TableId> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM information_schema.TRIGGERS "
                + "WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME LIKE 'cdcflow\\_%'")) {
            for (TableId t : tables) {
                ps.setString(1, t.namespace());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) < SUFFIXES.size()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The query reading the oldest changes of {@code tables} tables (one placeholder per table, then the limit). */
    String readStatement(int tables) {
        return "SELECT seq, txid, schema_name, table_name, op, before_image, after_image, "
                + "FLOOR(UNIX_TIMESTAMP(changed_at) * 1000) FROM " + log()
                + " WHERE CONCAT(schema_name, '.', table_name) IN (" + placeholders(tables) + ") ORDER BY seq LIMIT ?";
    }

    @Override
    public List<LoggedChange> read(Connection c, List<TableId> tables, int limit) throws SQLException {
        List<LoggedChange> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(readStatement(tables.size()))) {
            int i = 1;
            for (TableId t : tables) {
                ps.setString(i++, t.qualifiedName());
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long tx = rs.getLong(2);
                    out.add(new LoggedChange(rs.getLong(1), rs.wasNull() ? null : tx,
                            new TableId(rs.getString(3), rs.getString(4)), Op.fromCode(rs.getString(5)),
                            PostgresChangeLog.image(rs.getString(6)), PostgresChangeLog.image(rs.getString(7)),
                            rs.getLong(8)));
                }
            }
        }
        return out;
    }

    @Override
    public int delete(Connection c, List<Long> seqs) throws SQLException {
        if (seqs.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + log() + " WHERE seq IN (" + placeholders(seqs.size()) + ")")) {
            for (int i = 0; i < seqs.size(); i++) {
                ps.setLong(i + 1, seqs.get(i));
            }
            return ps.executeUpdate();
        }
    }

    @Override
    public int expire(Connection c, Duration maxAge) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + log()
                + " WHERE changed_at < TIMESTAMPADD(MICROSECOND, ?, NOW(6))")) {
            ps.setLong(1, -maxAge.toNanos() / 1000);
            return ps.executeUpdate();
        }
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
