package io.cdcflow.warehouse.write;

import io.cdcflow.sink.SinkChange;
import io.cdcflow.warehouse.schema.RowTypes;

import java.util.Optional;

/**
 * A change of one row with the column types of its registered value schema, when the record named one the registry knows
 * (otherwise column types are inferred from the values).
 */
record RowChange(SinkChange change, Optional<RowTypes> schema) {
}
