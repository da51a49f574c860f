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
        return addedSource("evopg", false, "trigger", Map.of("trigger.schema", "evopg" + run),
                List.of("DROP SCHEMA IF EXISTS evopg" + run + " CASCADE"));
    }
}
