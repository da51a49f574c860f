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
        return addedSource("evopgts", false, "timestamp", Map.of(),
                List.of("DROP FUNCTION IF EXISTS public." + table + "_touch()"));
    }
}
