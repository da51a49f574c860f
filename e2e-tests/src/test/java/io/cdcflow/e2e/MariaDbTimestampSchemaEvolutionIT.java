package io.cdcflow.e2e;

import java.util.List;
import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on MariaDB with the timestamp strategy: a second source of capture-service
 * ({@code evomyts<run>}) polls the table by {@code updated_at} ({@code ON UPDATE CURRENT_TIMESTAMP}) with a query that
 * names its columns, which follows each DDL statement without a restart.
 */
class MariaDbTimestampSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        return addedSource("evomyts", true, "timestamp", Map.of(), List.of());
    }
}
