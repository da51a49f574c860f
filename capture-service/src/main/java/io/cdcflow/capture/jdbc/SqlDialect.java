package io.cdcflow.capture.jdbc;

import io.cdcflow.capture.config.DatabaseKind;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between PostgreSQL and MySQL/MariaDB for the polling strategies: identifier quoting, the JDBC
 * URL, how a row becomes a JSON image in SQL, and how timestamps convert to and from epoch microseconds.
 * Identifiers are validated ({@link TableId#requireIdentifier}) before they are quoted; values are always bound.
 */
public sealed interface SqlDialect permits PostgresDialect, MariaDbDialect {

    /** The dialect of a database kind. */
    static SqlDialect of(DatabaseKind kind) {
        return switch (kind) {
            case postgresql -> new PostgresDialect();
            case mysql -> new MariaDbDialect(false);
            case mariadb -> new MariaDbDialect(true);
        };
    }

    /** The identifier, validated and quoted. */
    String quote(String identifier);

    /** The table's qualified, quoted name. */
    default String qualified(TableId id) {
        return quote(id.namespace()) + "." + quote(id.table());
    }

    /** The JDBC URL of a database. */
    String jdbcUrl(String host, int port, String database);

    /** Session settings every connection gets (MySQL/MariaDB: UTC, so TIMESTAMP values convert alike everywhere). */
    void prepare(Connection connection) throws SQLException;

    /** The JDBC catalog argument naming the table's namespace in {@code DatabaseMetaData} calls. */
    String catalogOf(TableId id);

    /** The JDBC schema argument naming the table's namespace in {@code DatabaseMetaData} calls. */
    String schemaOf(TableId id);

    /** True when tables live in schemas (PostgreSQL), so events carry {@code source.schema}; false when in databases. */
    boolean hasSchemas();

    /**
     * A SQL expression that renders the row referenced by {@code rowRef} ({@code NEW}, {@code OLD} or a table
     * alias) as JSON text that {@link ConnectValues} converts to the column types.
     */
    String rowImage(CapturedTable table, String rowRef);

    /** The Connect type of a column from its JDBC metadata ({@link ConnectColumnType#of}, adjusted where the dialect differs). */
    default ConnectColumnType typeOf(int jdbcType, String typeName, int size, int digits) {
        return ConnectColumnType.of(jdbcType, typeName, size, digits);
    }

    /** A bind parameter ({@code ?}) for a value of the column given as text, converted to the column's type. */
    String textParameter(Column column);

    /** A SQL expression for a timestamp column's value as epoch microseconds (a timestamp without zone read as UTC). */
    String epochMicros(String columnExpression, Column column);

    /** A SQL expression with one {@code ?} (epoch microseconds) of the column's own type, for index-friendly comparisons. */
    String fromEpochMicros(Column column);
}
