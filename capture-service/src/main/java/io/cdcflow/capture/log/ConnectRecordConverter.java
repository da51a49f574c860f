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
    private final GenerationStamp stamp = new GenerationStamp();

    /** The record to publish; control records (heartbeats, transaction markers) keep their own topic. */
    OutgoingChange convert(SourceRecord record) {
        return convert(record, 0);
    }

    /**
     * The record to publish, its envelope stamped with the source's generation ({@code source.cdc_generation}, when
     * above 0); control records (heartbeats, transaction markers) keep their own topic and stay as they are.
     */
    OutgoingChange convert(SourceRecord record, int generation) {
        byte[] key = record.key() == null ? null : json.key(record.topic(), record.keySchema(), record.key());
        if (record.value() instanceof Struct envelope && envelope.schema().field("op") != null) {
            Struct streamed = streamed(envelope);
            Struct stamped = stamp.stamp(streamed, generation);
            return change(record.topic(), key, stamped.schema(), stamped);
        }
        return change(record.topic(), key, record.valueSchema(), record.value());
    }

    /**
     * The envelope of a change read from the stream ({@code op} {@code c}, {@code u}, {@code d} or {@code t}) with
     * {@code source.snapshot} {@code "false"}, whatever Debezium wrote there; snapshot reads ({@code r}) and envelopes
     * already marked {@code "false"} are returned as they are. Debezium keeps the snapshot marker of the last record
     * in its offsets, and a PostgreSQL connector started from offsets committed in the middle of an incremental
     * snapshot (a standby taking over, a restart) marks the changes it streams {@code "true"}: every consumer would
     * take them for snapshot reads, which sit below every change, and skip those updates and deletes as stale.
     */
    static Struct streamed(Struct envelope) {
        Object op = envelope.get("op");
        if ("r".equals(op) || !(envelope.schema().field("source") != null && envelope.get("source") instanceof Struct source)
                || source.schema().field("snapshot") == null || source.get("snapshot") == null
                || "false".equals(source.get("snapshot"))) {
            return envelope;
        }
        Struct fixedSource = new Struct(source.schema());
        for (Field f : source.schema().fields()) {
            fixedSource.put(f, source.get(f));
        }
        fixedSource.put("snapshot", "false");
        Struct out = new Struct(envelope.schema());
        for (Field f : envelope.schema().fields()) {
            out.put(f, f.name().equals("source") ? fixedSource : envelope.get(f));
        }
        return out;
    }

    /**
     * The sweep that follows the last snapshot record of a table read in generation {@code generation}: a keyless
     * truncate marked {@code source.cdc_sweep} on the table's topic.
     */
    OutgoingChange sweep(SourceRecord lastSnapshotRecord, int generation) {
        Struct sweep = stamp.sweep((Struct) lastSnapshotRecord.value(), generation, System.currentTimeMillis());
        return change(lastSnapshotRecord.topic(), null, sweep.schema(), sweep);
    }

    /**
     * The {@code source.snapshot} marker of a change record ({@code true}, {@code first},
     * {@code last_in_data_collection}, {@code last}, {@code incremental}, {@code false}), empty for anything else.
     */
    static String snapshotMarker(SourceRecord record) {
        if (record.value() instanceof Struct envelope && envelope.schema().field("source") != null
                && envelope.get("source") instanceof Struct source && source.schema().field("snapshot") != null) {
            Object marker = source.get("snapshot");
            return marker == null ? "" : marker.toString().toLowerCase(java.util.Locale.ROOT);
        }
        return "";
    }

    private OutgoingChange change(String topic, byte[] key, org.apache.kafka.connect.data.Schema schema, Object value) {
        Struct struct = value instanceof Struct s ? s : null;
        byte[] bytes = value == null ? null : json.value(topic, schema, value);
        String table = "";
        String op = "";
        long sourceTs = 0;
        if (struct != null && struct.schema().field("op") != null) {
            Struct envelope = struct;
            op = envelope.getString("op");
            Field sourceField = envelope.schema().field("source");
            if (sourceField != null && envelope.get(sourceField) instanceof Struct source) {
                table = text(source, "schema", source.schema().field("schema") != null ? "schema" : "db") + "." + text(source, "table", "table");
                Object ts = source.schema().field("ts_ms") != null ? source.get("ts_ms") : null;
                sourceTs = ts instanceof Number n ? n.longValue() : 0;
            }
        }
        return new OutgoingChange(topic, key, bytes, table, op, sourceTs);
    }

    private static String text(Struct struct, String field, String fallback) {
        String name = struct.schema().field(field) != null ? field : fallback;
        Object v = struct.schema().field(name) != null ? struct.get(name) : null;
        return v == null ? "" : v.toString();
    }
}
