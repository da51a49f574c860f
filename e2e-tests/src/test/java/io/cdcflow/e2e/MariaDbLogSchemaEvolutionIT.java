package io.cdcflow.e2e;

import java.util.List;
import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on MariaDB with the log strategy: a second source of capture-service
 * ({@code evolog<run>}) reads the table's row binlog through Debezium's MariaDB connector, whose schema history follows
 * each DDL statement.
 */
class MariaDbLogSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        return addedSource("evolog", true, "log", Map.of(), List.of());
    }
}
