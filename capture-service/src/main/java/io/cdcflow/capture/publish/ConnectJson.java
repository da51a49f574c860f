package io.cdcflow.capture.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cdcflow.model.Json;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes Kafka Connect keys and values the way Connect's JSON converter does for the raw topics: a key as bare
 * JSON, a value wrapped with its schema ({@code {"schema": ..., "payload": ...}}), decimals as JSON numbers, and a
 * NULL as null even in a column with a default.
 *
 * <p>The schema is most of an event's bytes (about 3 of a product event's 4 KB) and the same for every change of a
 * table until its structure changes, which makes a new {@link Schema} instance. So it is serialized once per
 * instance and spliced before the payload, the only part written per event; the bytes are those of
 * {@code JsonConverter} with {@code schemas.enable=true}. Not thread-safe: one per capturing thread.
 */
public final class ConnectJson {

    private static final byte[] SCHEMA_FIELD = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NULL_SCHEMA = "null".getBytes(StandardCharsets.UTF_8);
    /** Schemas kept serialized; a table's schema changes rarely, so this bounds only a long run of DDL. */
    private static final int SCHEMAS_KEPT = 512;

    private final JsonConverter keyConverter = new JsonConverter();
    private final JsonConverter payloadConverter = new JsonConverter();
    private final Map<SchemaInstance, byte[]> serializedSchemas = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SchemaInstance, byte[]> eldest) {
            return size() > SCHEMAS_KEPT;
        }
    };

    public ConnectJson() {
        // replace.null.with.default=false: a NULL in a column that has a default stays NULL (by default Connect
        // writes the column's default instead, which turns every NULL of such a column into its default).
        keyConverter.configure(Map.of("schemas.enable", "false", "decimal.format", "NUMERIC",
                "replace.null.with.default", "false"), true);
        payloadConverter.configure(Map.of("schemas.enable", "false", "decimal.format", "NUMERIC",
                "replace.null.with.default", "false"), false);
    }

    /** The key as bare JSON. */
    public byte[] key(String topic, Schema schema, Object key) {
        return keyConverter.fromConnectData(topic, schema, key);
    }

    /** {@code {"schema":<the schema, serialized once>,"payload":<the value>}}. */
    public byte[] value(String topic, Schema schema, Object value) {
        byte[] payload = payloadConverter.fromConnectData(topic, schema, value);
        byte[] schemaJson = schema == null ? NULL_SCHEMA : serialized(schema);
        byte[] out = new byte[SCHEMA_FIELD.length + schemaJson.length + PAYLOAD_FIELD.length + payload.length + 1];
        int at = 0;
        for (byte[] part : new byte[][]{SCHEMA_FIELD, schemaJson, PAYLOAD_FIELD, payload}) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        out[at] = '}';
        return out;
    }

    private byte[] serialized(Schema schema) {
        return serializedSchemas.computeIfAbsent(new SchemaInstance(schema), s -> {
            try {
                return Json.mapper().writeValueAsBytes(payloadConverter.asJsonSchema(schema));
            } catch (JsonProcessingException e) {
                throw new DataException("cannot serialize the Connect schema " + schema.name(), e);
            }
        });
    }

    /** A schema by identity: {@link Schema#equals} and {@code hashCode} walk the whole tree, which is what is saved. */
    private static final class SchemaInstance {
        private final Schema schema;

        SchemaInstance(Schema schema) {
            this.schema = schema;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SchemaInstance other && other.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }
}
