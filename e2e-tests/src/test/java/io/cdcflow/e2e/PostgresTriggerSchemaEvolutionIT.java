package io.cdcflow.e2e;

import java.util.List;
import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on PostgreSQL with the trigger strategy: a second source of capture-service
 * ({@code evopg<run>}) captures the table through its change-log triggers, which log the whole row whatever its columns,
 * into a change log in a schema of its own (dropped at the end).
 */
class PostgresTriggerSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        String source = "evopg" + run;
        String s = "cdc.capture.sources." + source + ".";
        return new Variant(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"),
                withProperties(Map.of(s + "kind", "postgresql", s + "strategy", "trigger",
                        s + "host", stack.get("CDC_SOURCE_PG_HOST"), s + "port", stack.get("CDC_SOURCE_PG_PORT"),
                        s + "database", stack.get("CDC_SOURCE_PG_DB"), s + "user", stack.get("CDC_SOURCE_PG_USER"),
                        s + "password", stack.get("CDC_SOURCE_PG_PASSWORD"), s + "tables", "public." + table,
                        s + "poll-interval", "200ms", s + "trigger-schema", source)),
                source + ".public", false, false, List.of("DROP SCHEMA IF EXISTS " + source + " CASCADE"));
    }
}
