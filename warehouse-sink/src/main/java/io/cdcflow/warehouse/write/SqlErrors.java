package io.cdcflow.warehouse.write;

import java.sql.SQLException;

/**
 * Sorts PostgreSQL errors by SQLSTATE into the ones a record causes (its batch is replayed row by row and that row
 * dead-lettered) and everything else, which is retried: connection loss, shutdown, resources, lock conflicts,
 * deadlocks, missing privileges (a configuration problem, not the record's), or a table dropped behind our back.
 */
final class SqlErrors {

    private SqlErrors() {
    }

    /** True when the error is about the values of the statement: data exceptions (22), constraints (23), typing (42). */
    static boolean causedByRecord(SQLException e) {
        String state = state(e);
        if (state == null || state.length() < 2) {
            return false;
        }
        return switch (state.substring(0, 2)) {
            case "22", "23" -> true;
            case "42" -> !state.equals("42501") && !catalogChanged(e);
            default -> false;
        };
    }

    /** A table or column we know of is gone (dropped by someone): forget the cached shapes and retry. */
    static boolean catalogChanged(SQLException e) {
        String state = state(e);
        return "42P01".equals(state) || "42703".equals(state) || "3F000".equals(state);
    }

    /** The SQLSTATE of the error, looking into a batch error's first cause. */
    static String state(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null) {
                return x.getSQLState();
            }
        }
        return null;
    }

    /** The most telling message of the error (a batch error's cause says which row and why). */
    static String message(SQLException e) {
        SQLException next = e.getNextException();
        String m = (next != null ? next : e).getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip();
    }
}
