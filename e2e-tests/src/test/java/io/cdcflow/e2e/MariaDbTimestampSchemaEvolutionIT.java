package io.cdcflow.e2e;

import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on MariaDB with the timestamp strategy: a second source of capture-service
 * ({@code evomyts<run>}) polls the table by {@code updated_at} ({@code ON UPDATE CURRENT_TIMESTAMP}) with a query that
 * names its columns, which follows each DDL statement without a restart.
 */
class MariaDbTimestampSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        String source = "evomyts" + run;
        String s = "cdc.capture.sources." + source + ".";
        String url = "jdbc:mariadb://" + stack.get("CDC_MARIADB_HOST") + ":" + stack.get("CDC_MARIADB_PORT") + "/"
                + stack.get("CDC_MARIADB_DB");
        return new Variant(url, stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"),
                withProperties(Map.of(s + "kind", "mariadb", s + "strategy", "timestamp",
                        s + "host", stack.get("CDC_MARIADB_HOST"), s + "port", stack.get("CDC_MARIADB_PORT"),
                        s + "database", stack.get("CDC_MARIADB_DB"), s + "user", stack.get("CDC_MARIADB_USER"),
                        s + "password", stack.get("CDC_MARIADB_PASSWORD"),
                        s + "tables", stack.get("CDC_MARIADB_DB") + "." + table, s + "poll-interval", "200ms")),
                source + "." + stack.get("CDC_MARIADB_DB"), true, true);
    }
}
