package io.cdcflow.sink;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.TableRef;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One parsed change, ready for a {@link ChangeWriter}: where it was read from, the row's key, the event, its
 * position, and the registry id of its value schema when the record carried one.
 *
 * @param origin   the Kafka record it came from, kept whole for dead-lettering
 * @param key      the row's primary key; null for a truncate, which concerns the whole table
 * @param event    the change event
 * @param position the event's position, which the store compares with the one it holds for the row
 * @param schemaId the {@code cdc.schema.id} header, empty when absent
 * @param table    the event's table
 */
public record SinkChange(RecordOrigin origin, RowKey key, ChangeEvent event, Position position, OptionalInt schemaId,
                         TableRef table) {

    public SinkChange {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(schemaId, "schemaId");
        Objects.requireNonNull(table, "table");
    }

    /** The change with its table taken from the event once (writers ask for it several times per change). */
    public SinkChange(RecordOrigin origin, RowKey key, ChangeEvent event, Position position, OptionalInt schemaId) {
        this(origin, key, event, position, schemaId, event.table());
    }
}
