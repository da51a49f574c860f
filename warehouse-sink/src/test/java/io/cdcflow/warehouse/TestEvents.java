package io.cdcflow.warehouse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.SourceInfo;

import java.math.BigDecimal;

/**
 * Builds PostgreSQL-connector change events (source {@code connector: postgresql}, position = {@code lsn}) for
 * tests, through cdc-model's own types and serde, so they are exactly what the router forwards.
 */
public final class TestEvents {

    private TestEvents() {
    }

    /** A row image from name/value pairs (String, Number, Boolean, null, or an ObjectNode). */
    public static ObjectNode row(Object... pairs) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            String name = (String) pairs[i];
            switch (pairs[i + 1]) {
                case null -> n.putNull(name);
                case String s -> n.put(name, s);
                case Integer v -> n.put(name, v);
                case Long v -> n.put(name, v);
                case BigDecimal v -> n.put(name, v);
                case Double v -> n.put(name, v);
                case Boolean v -> n.put(name, v);
                case ObjectNode v -> n.set(name, v);
                default -> throw new IllegalArgumentException(String.valueOf(pairs[i + 1]));
            }
        }
        return n;
    }

    public static SourceInfo source(String sourceName, String schema, String table, long lsn, long tsMs) {
        return SourceInfo.empty()
                .with("connector", "postgresql").with("name", sourceName).with("db", "inventory")
                .with("schema", schema).with("table", table).with("ts_ms", tsMs).with("snapshot", "false")
                .with("lsn", lsn);
    }

    public static ChangeEvent event(Op op, SourceInfo source, ObjectNode before, ObjectNode after) {
        return new ChangeEvent(before, after, op, source.tsMs() + 5, source, null);
    }

    public static byte[] value(ChangeEvent e) {
        return ChangeEventSerde.writeValue(e);
    }

    public static byte[] key(ObjectNode keyColumns) {
        return ChangeEventSerde.writeKey(new RowKey(keyColumns));
    }
}
