package io.cdcflow.e2e;

import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on MariaDB with the trigger strategy: a second source of capture-service
 * ({@code evomy<run>}) captures the table through triggers that name its columns, which capture regenerates when the
 * table's columns change, while no application write ever fails on a dropped or renamed column.
 */
class MariaDbTriggerSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        String source = "evomy" + run;
        String s = "cdc.capture.sources." + source + ".";
        String url = "jdbc:mariadb://" + stack.get("CDC_MARIADB_HOST") + ":" + stack.get("CDC_MARIADB_PORT") + "/"
                + stack.get("CDC_MARIADB_DB");
        return new Variant(url, stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"),
                withProperties(Map.of(s + "kind", "mariadb", s + "strategy", "trigger",
                        s + "host", stack.get("CDC_MARIADB_HOST"), s + "port", stack.get("CDC_MARIADB_PORT"),
                        s + "database", stack.get("CDC_MARIADB_DB"), s + "user", stack.get("CDC_MARIADB_USER"),
                        s + "password", stack.get("CDC_MARIADB_PASSWORD"),
                        s + "tables", stack.get("CDC_MARIADB_DB") + "." + table, s + "poll-interval", "200ms")),
                source + "." + stack.get("CDC_MARIADB_DB"), true, false);
    }
}
