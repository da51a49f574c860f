package io.cdcflow.capture.jdbc;

import java.sql.Connection;

/** PostgreSQL: double-quoted identifiers, {@code to_jsonb} row images, exact microsecond arithmetic on intervals. */
public record PostgresDialect() implements SqlDialect {

    @Override
    public String quote(String identifier) {
        return '"' + TableId.requireIdentifier(identifier) + '"';
    }

    @Override
    public String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + TableId.requireIdentifier(database)
                + "?ApplicationName=cdcflow-capture";
    }

    @Override
    public void prepare(Connection connection) {
        // Timestamps are converted in SQL with explicit zones; nothing depends on the session.
    }

    @Override
    public String catalogOf(TableId id) {
        return null;
    }

    @Override
    public String schemaOf(TableId id) {
        return id.namespace();
    }

    @Override
    public boolean hasSchemas() {
        return true;
    }

    @Override
    public String rowImage(CapturedTable table, String rowRef) {
        return "to_jsonb(" + rowRef + ")::text";
    }

    @Override
    public String textParameter(Column column) {
        // The type name comes from the catalog; it is checked all the same, since it is written into the SQL text.
        if (!column.sqlType().matches("[a-z_][a-z0-9_ ]*")) {
            throw new IllegalArgumentException("column " + column.name() + " has a type name that cannot be cast to: "
                    + column.sqlType());
        }
        // The catalog names serial columns by the sequence shorthand; the column itself is the integer type.
        String type = switch (column.sqlType()) {
            case "bigserial", "serial8" -> "bigint";
            case "serial", "serial4" -> "integer";
            case "smallserial", "serial2" -> "smallint";
            default -> column.sqlType();
        };
        return "CAST(? AS " + type + ")";
    }

    @Override
    public String epochMicros(String columnExpression, Column column) {
        // extract(epoch) is numeric since PostgreSQL 14: exact; for a timestamp without zone it is the UTC reading.
        return "(extract(epoch FROM " + columnExpression + ") * 1000000)::bigint";
    }

    @Override
    public String fromEpochMicros(Column column) {
        String epoch = column.type() == ConnectColumnType.TIMESTAMPTZ ? "timestamptz 'epoch'" : "timestamp 'epoch'";
        return "(" + epoch + " + ?::bigint * interval '1 microsecond')";
    }
}
