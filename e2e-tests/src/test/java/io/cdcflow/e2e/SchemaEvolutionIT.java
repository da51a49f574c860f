package io.cdcflow.e2e;

import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on PostgreSQL with the log strategy (the demo's source, Debezium's connector): the
 * table is added to the source's capture list, and capture-service reads its rows by an incremental snapshot.
 */
class SchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        return new Variant(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"),
                Map.of("CDC_CAPTURE_TABLES", DEFAULT_TABLES + ",public." + table), "inventory.public", false, false);
    }
}
