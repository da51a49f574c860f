package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The primary key of a row: its key columns as a JSON object, in key-column order, exactly as the Kafka
 * record key carries them ({@code {"id": 1001}}).
 */
public record RowKey(ObjectNode columns) {

    public RowKey {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            throw new MalformedEventException(MalformedEventException.Reason.MISSING_KEY, "the key has no columns");
        }
    }

    /**
     * The key as one string for stores that address rows by a string (Redis keys, OpenSearch ids): the
     * column values in key order joined by {@code :}, with {@code \} and {@code :} inside values escaped by
     * a backslash, so distinct keys never render alike.
     */
    public String asString() {
        StringBuilder out = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> it = columns.properties().iterator();
        while (it.hasNext()) {
            JsonNode v = it.next().getValue();
            String text = v.isNull() ? "\\0" : v.isValueNode() ? v.asText() : v.toString();
            out.append(text.replace("\\", "\\\\").replace(":", "\\:"));
            if (it.hasNext()) {
                out.append(':');
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return columns.toString();
    }
}
