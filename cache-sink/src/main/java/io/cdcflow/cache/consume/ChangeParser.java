package io.cdcflow.cache.consume;

import io.cdcflow.cache.write.SinkChange;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a Kafka record into a {@link SinkChange}: the envelope, its position and table, and the row key (not needed
 * for a truncate). A record that is not a usable change event fails with a {@link MalformedEventException} whose
 * reason becomes its dead-letter reason. The {@code cdc.schema.id} header is not read: the cache stores the row JSON
 * as it comes, which needs no column types.
 */
public final class ChangeParser {

    private ChangeParser() {
    }

    public static SinkChange parse(ConsumerRecord<byte[], byte[]> record) {
        ChangeEvent event = ChangeEventSerde.readValue(record.value()).event();
        Position position = event.position();
        if (event.source().table().isEmpty()) {
            throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                    "source.table is missing: the event names no table");
        }
        RowKey key = event.op() == Op.TRUNCATE ? null : ChangeEventSerde.readKey(record.key());
        return new SinkChange(origin(record), key, event, position);
    }

    /** The record's coordinates and bytes, as a dead letter carries them. */
    public static SinkChange.Origin origin(ConsumerRecord<byte[], byte[]> record) {
        return new SinkChange.Origin(record.topic(), record.partition(), record.offset(), record.key(), record.value());
    }
}
