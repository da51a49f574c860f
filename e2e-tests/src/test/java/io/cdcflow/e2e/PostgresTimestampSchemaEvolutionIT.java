package io.cdcflow.e2e;

import java.util.List;
import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on PostgreSQL with the timestamp strategy: a second source of capture-service
 * ({@code evopgts<run>}) polls the table by {@code updated_at}, soft deletes by {@code deleted_at}.
 */
class PostgresTimestampSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        String source = "evopgts" + run;
        String s = "cdc.capture.sources." + source + ".";
        return new Variant(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"),
                withProperties(Map.of(s + "kind", "postgresql", s + "strategy", "timestamp",
                        s + "host", stack.get("CDC_SOURCE_PG_HOST"), s + "port", stack.get("CDC_SOURCE_PG_PORT"),
                        s + "database", stack.get("CDC_SOURCE_PG_DB"), s + "user", stack.get("CDC_SOURCE_PG_USER"),
                        s + "password", stack.get("CDC_SOURCE_PG_PASSWORD"), s + "tables", "public." + table,
                        s + "poll-interval", "200ms")),
                source + ".public", false, true,
                List.of("DROP FUNCTION IF EXISTS public." + table + "_touch()"));
    }
}
