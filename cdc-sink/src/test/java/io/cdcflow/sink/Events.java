package io.cdcflow.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.SourceInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.OptionalInt;

/** Builds PostgreSQL-style change events for tests: source {@code source}, schema {@code public}, LSN positions. */
public final class Events {

    private Events() {
    }

    public static ObjectNode row(Object... namesAndValues) {
        ObjectNode row = Json.mapper().createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.set((String) namesAndValues[i], Json.mapper().valueToTree(namesAndValues[i + 1]));
        }
        return row;
    }

    /** A change of {@code source.public.table} at LSN {@code lsn}; {@code row} is the after image (before for d). */
    public static ChangeEvent event(String source, String table, Op op, long lsn, ObjectNode row) {
        SourceInfo s = SourceInfo.empty().with("connector", "postgresql").with("name", source)
                .with("db", "inventory").with("schema", "public").with("table", table)
                .with("ts_ms", System.currentTimeMillis()).with("snapshot", "false").with("lsn", lsn);
        ObjectNode before = op == Op.DELETE ? row : null;
        ObjectNode after = op.writesRow() ? row : null;
        return new ChangeEvent(before, after, op, System.currentTimeMillis(), s, null);
    }

    /** The same event with one more source field: {@code cdc_generation}, {@code snapshot}, {@code cdc_sweep}... */
    public static ChangeEvent withSource(ChangeEvent e, String field, Object value) {
        return new ChangeEvent(e.before(), e.after(), e.op(), e.tsMs(), e.source().with(field, value), e.transaction());
    }

    /** A repair sweep of {@code source.public.table} in {@code generation}: a keyless truncate at the generation's floor. */
    public static ChangeEvent sweep(String source, String table, int generation) {
        return withSource(withSource(event(source, table, Op.TRUNCATE, 1, null), "cdc_generation", generation),
                "cdc_sweep", true);
    }

    /** A snapshot read of {@code source.public.table} in {@code generation}. */
    public static ChangeEvent snapshotRead(String source, String table, int generation, ObjectNode row) {
        return withSource(withSource(event(source, table, Op.READ, 1, row), "cdc_generation", generation),
                "snapshot", "true");
    }

    public static SinkChange change(String table, Op op, long lsn, ObjectNode row, String keyColumn) {
        ChangeEvent e = event("src", table, op, lsn, row);
        RowKey key = op == Op.TRUNCATE ? null : new RowKey(row(keyColumn, row.get(keyColumn)));
        return new SinkChange(new RecordOrigin("validated.src.public." + table, 0, lsn, null,
                ChangeEventSerde.writeValue(e)), key, e, e.position(), OptionalInt.empty());
    }

    public static ConsumerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value) {
        return new ConsumerRecord<>(topic, 1, 42L, key, value);
    }
}
