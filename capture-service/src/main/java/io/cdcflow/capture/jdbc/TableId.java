package io.cdcflow.capture.jdbc;

import java.util.regex.Pattern;

/**
 * A captured table as configured: its namespace (the PostgreSQL schema, or the MySQL/MariaDB database) and its
 * name, both plain identifiers (letters, digits, {@code _} and {@code $}, not starting with a digit).
 */
public record TableId(String namespace, String table) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    public TableId {
        requireIdentifier(namespace);
        requireIdentifier(table);
    }

    /** Parses {@code namespace.table}, failing with a message that shows the offending value. */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot != qualified.lastIndexOf('.') || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("'" + qualified + "' is not of the form schema.table");
        }
        return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /**
     * Checks that a name from configuration or from the source's catalog is a plain identifier, so it can be
     * quoted safely and embedded in DDL (trigger bodies cannot take bound parameters).
     */
    public static String requireIdentifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a plain SQL identifier "
                    + "(letters, digits, _ and $, not starting with a digit, at most 63 characters)");
        }
        return name;
    }

    /** {@code namespace.table}. */
    public String qualifiedName() {
        return namespace + "." + table;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
