package io.cdcflow.warehouse.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the warehouse the way an analyst would: plain SQL over its own JDBC connection. */
final class ItWarehouse implements AutoCloseable {

    private final Connection connection;

    ItWarehouse(String url, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection(url, user, password);
    }

    /** Every row of the query's first column, as text. */
    List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** True when the relation exists. */
    boolean exists(String qualified) {
        return !strings("SELECT to_regclass('" + qualified.replace("'", "''") + "')::text WHERE to_regclass('"
                + qualified.replace("'", "''") + "') IS NOT NULL").isEmpty();
    }

    /**
     * A table's rows as JSON objects (one string per row, in {@code orderBy} order), without the columns named in
     * {@code without}: the whole state, comparable with equals.
     */
    List<String> rows(String qualified, String orderBy, String... without) {
        StringBuilder expr = new StringBuilder("to_jsonb(t)");
        for (String w : without) {
            expr.append(" - '").append(w).append("'");
        }
        return strings("SELECT (" + expr + ")::text FROM " + qualified + " t ORDER BY " + orderBy);
    }

    void execute(String sql) {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
