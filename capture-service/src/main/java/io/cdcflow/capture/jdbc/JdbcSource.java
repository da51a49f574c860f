package io.cdcflow.capture.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The connection settings and polling rhythm shared by the trigger and timestamp strategies, resolved from
 * {@code cdc.capture.sources.<name>.*} by their factories (or built directly by tests).
 *
 * @param name         the logical source name (topic prefix, {@code source.name})
 * @param dialect      the database's dialect
 * @param host         database host
 * @param port         database port
 * @param database     the database connected to
 * @param user         user
 * @param password     password
 * @param tables       the captured tables
 * @param pollInterval the pause after a poll that found nothing
 * @param batchSize    the most changes read and published in one step
 */
public record JdbcSource(String name, SqlDialect dialect, String host, int port, String database, String user,
                         String password, List<TableId> tables, Duration pollInterval, int batchSize) {

    public JdbcSource {
        tables = List.copyOf(tables);
    }

    /** A new auto-commit connection, prepared by the dialect. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(dialect.jdbcUrl(host, port, database), user, password);
        c.setAutoCommit(true);
        dialect.prepare(c);
        return c;
    }
}
