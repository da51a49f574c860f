package io.cdcflow.e2e;

import java.util.Locale;

/**
 * The MariaDB column types (as MariaDB Connector/J names them) that a Debezium MariaDB connector delivers like a
 * PostgreSQL type, named by that type, so that {@link DebeziumEncoding} defines each value once; and the few that
 * have no PostgreSQL equivalent, named {@code mariadb_*}.
 */
final class MariaDbTypes {

    private MariaDbTypes() {
    }

    /**
     * The PostgreSQL type name that stands for {@code jdbcType} (a PostgreSQL name stays as it is).
     *
     * @param precision the column's precision (a BIT column's number of bits)
     */
    static String postgresEquivalent(String jdbcType, int precision) {
        if (!jdbcType.equals(jdbcType.toUpperCase(Locale.ROOT))) {
            return jdbcType; // PostgreSQL's driver names types in lower case
        }
        return switch (jdbcType) {
            case "DECIMAL" -> "numeric";
            case "FLOAT" -> "float4";
            case "DOUBLE" -> "float8";
            case "TINYINT", "SMALLINT", "MEDIUMINT", "INTEGER", "INT", "BIGINT", "YEAR", "BOOLEAN",
                 "TINYINT UNSIGNED", "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED", "INTEGER UNSIGNED", "INT UNSIGNED" ->
                    "mariadb_int";
            case "BIGINT UNSIGNED" -> "mariadb_uint8";
            case "BIT" -> precision <= 1 ? "bool" : "mariadb_bits";
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB" -> "bytea";
            case "DATE" -> "date";
            case "TIME" -> "time";
            case "DATETIME" -> "timestamp";
            case "TIMESTAMP" -> "mariadb_timestamp";
            case "POINT" -> "mariadb_point";
            case "GEOMETRY", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                 "GEOMETRYCOLLECTION" -> "mariadb_geometry";
            default -> jdbcType; // text of every kind (CHAR, VARCHAR, TEXT, ENUM, SET, JSON): the text itself
        };
    }
}
