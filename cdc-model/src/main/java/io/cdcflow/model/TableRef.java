package io.cdcflow.model;

import java.util.Objects;

/**
 * Names one captured table: the logical source it comes from, its namespace (the schema in PostgreSQL, the
 * database in MySQL/MariaDB) and its name. Sinks derive their target names from it.
 */
public record TableRef(String source, String namespace, String table) {

    public TableRef {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(table, "table");
    }

    /** {@code source.namespace.table}, the default per-table topic suffix and index name. */
    public String qualifiedName() {
        return source + "." + namespace + "." + table;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
