package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.MariaDbDialect;
import io.cdcflow.capture.jdbc.PostgresDialect;
import io.cdcflow.capture.jdbc.SqlDialect;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.jdbc.CapturedTable;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The trigger strategy's objects in one source database: the change-log table {@code cdc_changelog}, the row
 * triggers that fill it, and the queries that read and delete its rows. One implementation per dialect.
 *
 * <p><b>Order.</b> Every change-log row gets its {@code seq} from a sequence (PostgreSQL identity, InnoDB
 * auto-increment) inside an AFTER ROW trigger, that is after the changed row was locked by its statement.
 * A second transaction changing the same row waits on that lock until the first commits or rolls back, so its
 * trigger, and its {@code seq}, come later: for one row, {@code seq} order is commit order. Across rows it is
 * not (a transaction can take a low {@code seq} and commit last), which is why {@code seq} is used only as the
 * per-row position and the change log is read as a queue rather than past a cursor.
 */
public sealed interface ChangeLog permits PostgresChangeLog, MariaDbChangeLog {

    /** The name of the change-log table. */
    String TABLE = "cdc_changelog";

    /** The change log of a dialect, kept in {@code namespace} (a PostgreSQL schema or a MySQL/MariaDB database). */
    static ChangeLog of(SqlDialect dialect, String namespace) {
        return switch (dialect) {
            case PostgresDialect pg -> new PostgresChangeLog(pg, TableId.requireIdentifier(namespace));
            case MariaDbDialect my -> new MariaDbChangeLog(my, TableId.requireIdentifier(namespace));
        };
    }

    /** Where the change log is kept: a PostgreSQL schema or a MySQL/MariaDB database. */
    String namespace();

    /** Creates, if absent, the change-log table and trigger function, and (re)creates the triggers of the tables. */
    void install(Connection c, List<CapturedTable> tables) throws SQLException;

    /**
     * Fails with a message naming what is missing when the connected user cannot install the change log and
     * the triggers of these tables (checked at start-up, before anything is created).
     */
    void checkCanInstall(Connection c, List<TableId> tables) throws SQLException;

    /** Drops the tables' triggers, and with {@code dropChangeLog} the change-log table and function as well. */
    void uninstall(Connection c, List<TableId> tables, boolean dropChangeLog) throws SQLException;

    /** True when every table has its capture trigger(s). */
    boolean installed(Connection c, List<TableId> tables) throws SQLException;

    /** The committed, unpublished changes of the tables, lowest {@code seq} first, at most {@code limit}. */
    List<LoggedChange> read(Connection c, List<TableId> tables, int limit) throws SQLException;

    /** Deletes the given, published changes. */
    int delete(Connection c, List<Long> seqs) throws SQLException;

    /** Deletes changes older than {@code maxAge}, published or not; returns how many. */
    int expire(Connection c, Duration maxAge) throws SQLException;

    /**
     * Makes sure the next {@code seq} is above {@code highestPublished}: a change log re-created or restored from a
     * backup starts its sequence again, and its positions would then sort below those the sinks hold. Returns true
     * when the sequence had to be raised.
     */
    boolean raiseSequenceAbove(Connection c, long highestPublished) throws SQLException;

    /**
     * Whether the change log would number its next change at or below {@code highestPublished}: its sequence went
     * back (the table or the database was restored, or the table re-created), which a running log never does.
     */
    boolean numbersBelow(Connection c, long highestPublished) throws SQLException;
}
