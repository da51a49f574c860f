package io.cdcflow.router.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Envelope;
import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.RawJson;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads what Debezium's {@code ExtractNewRecordState} ("unwrap") transform writes, a flat row with the metadata it
 * was asked to add ({@code add.fields}: {@code __op}, {@code __table}, {@code __lsn}, {@code __source_ts_ms},
 * {@code __source_lsn}, {@code __source_file}, {@code __source_pos}, ... and {@code __deleted} of
 * {@code delete.handling.mode=rewrite}), and makes the change event of the contract out of it: {@code op} from
 * {@code __op} (or a delete for {@code __deleted=true}, an update otherwise), the row as {@code after} (as
 * {@code before} for a delete), and a {@code source} block from the {@code __source_*} fields and the topic name
 * ({@code <prefix>.<schema>.<table>}). A Connect schema that came with the row becomes the envelope's schema.
 *
 * <p><b>Positions.</b> From {@code __lsn}/{@code __source_lsn} (PostgreSQL) or
 * {@code __source_file}/{@code __source_pos}/{@code __source_row} (MySQL, MariaDB) when present. Without them, and
 * only for the topics the operator named ({@code cdc.router.offset-position-topics}), from the Kafka offset of the
 * record: it orders one row's changes because Debezium keys by primary key and a key stays in one partition, but it
 * is a weaker guarantee: a topic re-created or re-partitioned starts its offsets again, and a sink then keeps its
 * rows until newer offsets pass them. Otherwise such a record is dead-lettered with the fix in its reason.
 */
public final class FlattenedRecords {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private FlattenedRecords() {
    }

    /** True when a value the envelope reader refused may be a flattened row (a JSON object with no {@code op}). */
    public static boolean mayBeFlattened(MalformedEventException e) {
        return e.reason() == MalformedEventException.Reason.NOT_AN_ENVELOPE && e.getMessage().contains("'op'");
    }

    /**
     * The envelope of a flattened row read from {@code topic}.
     *
     * @param offsetPositions whether the Kafka offset may stand in for a missing source position
     * @throws MalformedEventException when it is not a flattened row, or has no position it may use
     */
    public static Envelope read(String topic, int partition, long offset, byte[] value, boolean offsetPositions) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(value);
        } catch (IOException e) {
            throw new MalformedEventException(MalformedEventException.Reason.UNPARSEABLE_JSON, e.getMessage(), e);
        }
        JsonNode schema = null;
        JsonNode payload = root;
        if (root != null && root.isObject() && root.has("schema") && root.has("payload") && root.size() == 2) {
            schema = root.get("schema");
            payload = root.get("payload");
        }
        if (payload == null || !payload.isObject() || payload.has("op")
                || !(payload.has("__op") || payload.has("__deleted") || payload.has("__table"))) {
            throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                    "neither a change envelope (no 'op' field) nor a row flattened by ExtractNewRecordState"
                            + " (no __op, __deleted or __table field)");
        }
        ObjectNode row = F.objectNode();
        ObjectNode meta = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            (e.getKey().startsWith("__") ? meta : row).set(e.getKey(), e.getValue());
        }
        String op = op(meta);
        ObjectNode source = source(topic, partition, offset, meta, op, offsetPositions);
        ObjectNode envelope = F.objectNode();
        envelope.set("before", "d".equals(op) ? row : F.nullNode());
        envelope.set("after", "d".equals(op) ? F.nullNode() : row);
        envelope.put("op", op);
        envelope.put("ts_ms", meta.path("__ts_ms").asLong(source.path("ts_ms").asLong(System.currentTimeMillis())));
        envelope.set("source", source);
        envelope.set("transaction", F.nullNode());
        RawJson connect = schema == null || schema.isNull() ? null : RawJson.of(envelopeSchema(topic, schema, source));
        return new Envelope(ChangeEventSerde.toEvent(envelope), connect);
    }

    private static String op(ObjectNode meta) {
        String op = meta.path("__op").asText("");
        if (!op.isEmpty()) {
            return op;
        }
        return "true".equals(meta.path("__deleted").asText("false")) ? "d" : "u";
    }

    /** The source block: the {@code __source_*} fields without their prefix, and what the topic name tells. */
    private static ObjectNode source(String topic, int partition, long offset, ObjectNode meta, String op,
                                     boolean offsetPositions) {
        // Every field as text (numbers too: positions and times are read from digits), none null, so that the source
        // block's schema stays one schema whatever values a field takes.
        ObjectNode s = F.objectNode();
        meta.fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("__source_") && !e.getValue().isNull()) {
                s.put(e.getKey().substring("__source_".length()), e.getValue().asText());
            }
        });
        String[] parts = topic.split("\\.");
        s.put("name", s.path("name").asText(parts[0]));
        if (!s.has("schema") && parts.length >= 3) {
            s.put("schema", parts[parts.length - 2]);
        }
        if (!s.has("db")) {
            s.put("db", parts.length >= 3 ? parts[parts.length - 2] : parts[0]);
        }
        s.put("table", meta.path("__table").asText(s.path("table").asText(parts[parts.length - 1])));
        if (meta.hasNonNull("__lsn") && !s.has("lsn")) {
            s.put("lsn", meta.get("__lsn").asText());
        }
        if (!s.has("snapshot")) {
            s.put("snapshot", "r".equals(op) ? "true" : "false");
        }
        if (!s.has("connector")) {
            if (s.has("lsn")) {
                s.put("connector", "postgresql");
            } else if (s.has("file") && s.has("pos")) {
                s.put("connector", "mysql");
            } else if (offsetPositions) {
                s.put("connector", "kafka").put("partition", Integer.toString(partition))
                        .put("offset", Long.toString(offset));
            } else {
                throw new MalformedEventException(MalformedEventException.Reason.BAD_POSITION,
                        "a flattened row without a source position: add lsn (PostgreSQL) or source.file, source.pos"
                                + " (MySQL) to the unwrap transform's add.fields, or accept Kafka offsets as positions"
                                + " for this topic with cdc.router.offset-position-topics");
            }
        }
        return s;
    }

    /** The Connect schema of the envelope made of a flattened row's Connect schema. */
    private static ObjectNode envelopeSchema(String topic, JsonNode flat, ObjectNode source) {
        ObjectNode row = F.objectNode().put("type", "struct").put("optional", true).put("name", topic + ".Value");
        ArrayNode fields = row.putArray("fields");
        for (JsonNode f : flat.path("fields")) {
            if (!f.path("field").asText().startsWith("__")) {
                fields.add(f);
            }
        }
        ObjectNode sourceSchema = F.objectNode().put("type", "struct").put("optional", false).put("field", "source");
        ArrayNode sourceFields = sourceSchema.putArray("fields");
        source.fieldNames().forEachRemaining(name -> sourceFields.addObject()
                .put("type", "string").put("optional", true).put("field", name));
        ObjectNode envelope = F.objectNode().put("type", "struct").put("optional", false).put("name", topic + ".Envelope");
        ArrayNode ef = envelope.putArray("fields");
        ef.add(row.deepCopy().put("field", "before"));
        ef.add(row.deepCopy().put("field", "after"));
        ef.add(sourceSchema);
        ef.addObject().put("type", "string").put("optional", false).put("field", "op");
        ef.addObject().put("type", "int64").put("optional", true).put("field", "ts_ms");
        return envelope;
    }
}
