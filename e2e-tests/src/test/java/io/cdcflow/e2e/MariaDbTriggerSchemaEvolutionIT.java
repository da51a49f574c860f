package io.cdcflow.e2e;

import java.util.List;
import java.util.Map;

/**
 * {@link SchemaEvolutionScenario} on MariaDB with the trigger strategy: a second source of capture-service
 * ({@code evomy<run>}) captures the table through triggers that name its columns, which capture regenerates when the
 * table's columns change, while no application write ever fails on a dropped or renamed column.
 */
class MariaDbTriggerSchemaEvolutionIT extends SchemaEvolutionScenario {

    @Override
    Variant variant() {
        return addedSource("evomy", true, "trigger", Map.of(), List.of());
    }
}
