package io.cdcflow.warehouse.consume;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.RecordOrigin;
import io.cdcflow.warehouse.schema.RegisteredSchemas;
import io.cdcflow.warehouse.schema.RowSchema;
import io.cdcflow.warehouse.write.SinkChange;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads one Kafka record into a {@link SinkChange}: key, envelope, position, table, and the column types of its
 * registered value schema when the record carries {@code cdc.schema.id} (the router always adds it; without it, or
 * when the registry does not know the id, the writer infers types from the values). A truncate has no key. A
 * record that is not a change event becomes a dead letter with the {@link MalformedEventException} reason.
 */
@ApplicationScoped
public class ChangeParser {

    /** Header the router puts on every validated record: the registry id of the value schema. */
    public static final String SCHEMA_ID_HEADER = "cdc.schema.id";

    private final RegisteredSchemas schemas;

    ChangeParser(RegisteredSchemas schemas) {
        this.schemas = schemas;
    }

    public ParseResult parse(ConsumerRecord<byte[], byte[]> record) {
        RecordOrigin origin = new RecordOrigin(record.topic(), record.partition(), record.offset(), record.key(),
                record.value());
        try {
            ChangeEvent event = ChangeEventSerde.readValue(record.value()).event();
            Position position = event.position();
            if (event.op() == Op.TRUNCATE) {
                return new ParseResult.Accepted(new SinkChange.TableTruncate(origin, event, position));
            }
            RowKey key = ChangeEventSerde.readKey(record.key());
            Optional<RowSchema> schema = schemaId(record).flatMap(id -> schemas.byId(id));
            return new ParseResult.Accepted(new SinkChange.RowChange(origin, key, event, position, schema));
        } catch (MalformedEventException e) {
            return new ParseResult.Rejected(new DeadLetter(origin, e.reason().tag(), e.getMessage()));
        }
    }

    /** The schema id header as a number; absent (types inferred) when missing or not a number. */
    static Optional<Integer> schemaId(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(SCHEMA_ID_HEADER);
        if (h == null || h.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(new String(h.value(), StandardCharsets.UTF_8).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
