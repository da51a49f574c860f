package io.cdcflow.capture.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;

/**
 * MySQL and MariaDB: back-quoted identifiers, {@code JSON_OBJECT} row images built from the catalog (TIMESTAMP
 * columns as epoch seconds so the writer's time zone does not matter, binary columns as base64), UTC sessions.
 *
 * @param mariadb true for MariaDB ({@code CREATE OR REPLACE TRIGGER}), false for MySQL
 */
public record MariaDbDialect(boolean mariadb) implements SqlDialect {

    @Override
    public String quote(String identifier) {
        return '`' + TableId.requireIdentifier(identifier) + '`';
    }

    @Override
    public String jdbcUrl(String host, int port, String database) {
        return "jdbc:mariadb://" + host + ":" + port + "/" + TableId.requireIdentifier(database);
    }

    @Override
    public void prepare(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET time_zone = '+00:00'");
        }
    }

    @Override
    public String catalogOf(TableId id) {
        return id.namespace();
    }

    @Override
    public String schemaOf(TableId id) {
        return null;
    }

    @Override
    public boolean hasSchemas() {
        return false;
    }

    @Override
    public ConnectColumnType typeOf(int jdbcType, String typeName, int size, int digits) {
        // TIMESTAMP is an instant (stored in UTC, shown in the session's zone); DATETIME is a local date-time.
        return "timestamp".equalsIgnoreCase(typeName) ? ConnectColumnType.TIMESTAMPTZ : ConnectColumnType.of(jdbcType, typeName, size, digits);
    }

    @Override
    public String rowImage(CapturedTable table, String rowRef) {
        StringJoiner pairs = new StringJoiner(", ", "JSON_OBJECT(", ")");
        for (Column c : table.columns()) {
            String ref = rowRef + "." + quote(c.name());
            String value = switch (c.type()) {
                case TIMESTAMPTZ -> "UNIX_TIMESTAMP(" + ref + ")";
                case BYTES -> "TO_BASE64(" + ref + ")";
                default -> ref;
            };
            // The name is a validated identifier, so it is safe as a string literal.
            pairs.add("'" + TableId.requireIdentifier(c.name()) + "', " + value);
        }
        return pairs.toString();
    }

    @Override
    public String textParameter(Column column) {
        // MySQL/MariaDB convert a string to the type of the column it is compared with.
        return "?";
    }

    @Override
    public String epochMicros(String columnExpression, Column column) {
        // In a UTC session both DATETIME and TIMESTAMP read as UTC wall-clock time.
        return "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + columnExpression + ")";
    }

    @Override
    public String fromEpochMicros(Column column) {
        return "TIMESTAMPADD(MICROSECOND, ?, '1970-01-01 00:00:00')";
    }
}
