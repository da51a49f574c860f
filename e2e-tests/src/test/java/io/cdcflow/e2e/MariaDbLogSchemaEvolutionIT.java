package io.cdcflow.e2e;

import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on MariaDB with the log strategy: a second source of capture-service
 * ({@code evolog<run>}) reads the table's row binlog through Debezium's MariaDB connector, whose schema history follows
 * each DDL statement.
 */
class MariaDbLogSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        String source = "evolog" + run;
        String s = "cdc.capture.sources." + source + ".";
        String url = "jdbc:mariadb://" + stack.get("CDC_MARIADB_HOST") + ":" + stack.get("CDC_MARIADB_PORT") + "/"
                + stack.get("CDC_MARIADB_DB");
        return new Variant(url, stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"),
                withProperties(Map.of(s + "kind", "mariadb", s + "strategy", "log",
                        s + "host", stack.get("CDC_MARIADB_HOST"), s + "port", stack.get("CDC_MARIADB_PORT"),
                        s + "database", stack.get("CDC_MARIADB_DB"), s + "user", stack.get("CDC_MARIADB_USER"),
                        s + "password", stack.get("CDC_MARIADB_PASSWORD"),
                        s + "tables", stack.get("CDC_MARIADB_DB") + "." + table)),
                source + "." + stack.get("CDC_MARIADB_DB"), true, false);
    }
}
