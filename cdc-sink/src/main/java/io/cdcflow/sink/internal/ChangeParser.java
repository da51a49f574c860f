package io.cdcflow.sink.internal;

import io.cdcflow.model.CdcHeaders;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.sink.RecordOrigin;
import io.cdcflow.sink.SinkChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.util.OptionalInt;

/**
 * Turns a Kafka record into a {@link SinkChange}: the envelope (inside the value's wire-format frame), its position and table, the row key (not needed for
 * a truncate) and the {@code cdc.schema.id} header. A record that is not a usable change event fails with a
 * {@link MalformedEventException} whose reason becomes its dead-letter reason.
 */
public final class ChangeParser {

    private ChangeParser() {
    }

    /** A record whose value is bare JSON or JSON in a Confluent frame. */
    public static SinkChange parse(ConsumerRecord<byte[], byte[]> record) {
        return parse(record, FramedValues::withoutRegistry, FramedValues::withoutRegistry);
    }

    /**
     * A record whose value {@code envelope} turns into its JSON envelope and whose key {@code keyColumns} into its
     * JSON object ({@link FramedValues}).
     */
    public static SinkChange parse(ConsumerRecord<byte[], byte[]> record, java.util.function.UnaryOperator<byte[]> envelope,
                                   java.util.function.UnaryOperator<byte[]> keyColumns) {
        ChangeEvent event = ChangeEventSerde.readValue(envelope.apply(record.value())).event();
        Position position = event.position();
        if (event.source().table().isEmpty()) {
            throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                    "source.table is missing: the event names no table");
        }
        RowKey key = event.op() == Op.TRUNCATE ? null : ChangeEventSerde.readKey(record.key() == null ? null : keyColumns.apply(record.key()));
        return new SinkChange(origin(record), key, event, position, schemaId(record));
    }

    /** The record's coordinates and bytes, as a dead letter carries them. */
    public static RecordOrigin origin(ConsumerRecord<byte[], byte[]> record) {
        return new RecordOrigin(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                record.headers());
    }

    /** The schema id header; absent or not a number means the record is mapped without a schema. */
    static OptionalInt schemaId(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(CdcHeaders.SCHEMA_ID);
        return CdcHeaders.schemaId(h == null ? null : h.value());
    }
}
