package io.cdcflow.capture.log;

import io.cdcflow.capture.publish.ConnectJson;
import io.cdcflow.capture.publish.OutgoingChange;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a Debezium {@link SourceRecord} into the bytes published to the raw topic, exactly as Kafka Connect's
 * JSON converter would write them: the key as a bare JSON object of the primary-key columns, the value as the
 * Debezium envelope wrapped with its Connect schema ({@code {"schema": ..., "payload": ...}}), so the router can
 * register exact column types. Decimals are written as JSON numbers, not base64 bytes; the schema is serialized
 * once per table shape ({@link ConnectJson}).
 */
final class ConnectRecordConverter {

    private final ConnectJson json = new ConnectJson();

    /** The record to publish; control records (heartbeats, transaction markers) keep their own topic. */
    OutgoingChange convert(SourceRecord record) {
        byte[] key = record.key() == null ? null : json.key(record.topic(), record.keySchema(), record.key());
        byte[] value = record.value() == null ? null : json.value(record.topic(), record.valueSchema(), record.value());
        String table = "";
        String op = "";
        long sourceTs = 0;
        if (record.value() instanceof Struct envelope && envelope.schema().field("op") != null) {
            op = envelope.getString("op");
            Field sourceField = envelope.schema().field("source");
            if (sourceField != null && envelope.get(sourceField) instanceof Struct source) {
                table = text(source, "schema", source.schema().field("schema") != null ? "schema" : "db") + "." + text(source, "table", "table");
                Object ts = source.schema().field("ts_ms") != null ? source.get("ts_ms") : null;
                sourceTs = ts instanceof Number n ? n.longValue() : 0;
            }
        }
        return new OutgoingChange(record.topic(), key, value, table, op, sourceTs);
    }

    private static String text(Struct struct, String field, String fallback) {
        String name = struct.schema().field(field) != null ? field : fallback;
        Object v = struct.schema().field(name) != null ? struct.get(name) : null;
        return v == null ? "" : v.toString();
    }
}
