package io.cdcflow.warehouse.write;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.TableRef;
import io.cdcflow.sink.RecordOrigin;
import io.cdcflow.warehouse.schema.RowSchema;

import java.util.Optional;

/**
 * One parsed record for the writer: a change of one row, or the truncate of a whole table. Parsing and
 * validation happened before; the writer only decides how the warehouse takes it.
 */
public sealed interface SinkChange {

    /** The Kafka record it came from (for dead letters). */
    RecordOrigin origin();

    ChangeEvent event();

    Position position();

    default TableRef table() {
        return event().table();
    }

    /**
     * A create, update, snapshot read or delete of the row with this key.
     *
     * @param schema the column types of the registered value schema, empty when unknown (types are inferred)
     */
    record RowChange(RecordOrigin origin, RowKey key, ChangeEvent event, Position position,
                     Optional<RowSchema> schema) implements SinkChange {
    }

    /** A truncate of the whole table (Debezium {@code op: t}, no key, no row). */
    record TableTruncate(RecordOrigin origin, ChangeEvent event, Position position) implements SinkChange {
    }
}
