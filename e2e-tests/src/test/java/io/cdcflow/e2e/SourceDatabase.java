package io.cdcflow.e2e;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The source PostgreSQL of the stack, with the inventory schema of {@code bin/sql/inventory-postgres.sql}. */
final class SourceDatabase implements AutoCloseable {

    private final Connection connection;

    SourceDatabase(StackEndpoints stack) throws SQLException {
        connection = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
        connection.setAutoCommit(true);
    }

    /** Creates the inventory tables when they are missing. */
    void createSchema() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(Files.readString(Stack.home().resolve("bin/sql/inventory-postgres.sql")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one statement with bound parameters and returns the first column of its first row, if any. */
    Long queryLong(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
            return null;
        }
    }

    /** The first column of every row of a query without parameters, as strings. */
    java.util.Set<String> strings(String sql) throws SQLException {
        return Sinks.strings(connection, sql);
    }

    void execute(String sql, Object... params) throws SQLException {
        queryLong(sql, params);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
