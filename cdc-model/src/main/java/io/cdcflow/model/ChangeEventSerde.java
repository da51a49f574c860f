package io.cdcflow.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import static io.cdcflow.model.MalformedEventException.Reason.MISSING_KEY;
import static io.cdcflow.model.MalformedEventException.Reason.NOT_AN_ENVELOPE;
import static io.cdcflow.model.MalformedEventException.Reason.UNPARSEABLE_JSON;

/**
 * Reads and writes change events and keys as JSON, in the form Kafka Connect's JSON converter produces
 * (with or without the {@code schema}/{@code payload} wrapper) and writes them without the wrapper.
 * Anything that is not an envelope fails with a {@link MalformedEventException} that names the reason.
 */
public final class ChangeEventSerde {

    private static final ObjectMapper MAPPER = Json.mapper();

    private ChangeEventSerde() {
    }

    /** Reads a record value. */
    public static Envelope readValue(byte[] value) {
        return readValue(value, null);
    }

    /**
     * Reads a record value whose Connect schema is likely {@code expectedSchema} (the last one its topic carried; may
     * be null): when the value is {@code {"schema":<expectedSchema>,"payload":{...}}} with that schema byte for byte,
     * the schema is neither tokenized nor copied, and the envelope carries {@code expectedSchema} itself.
     */
    public static Envelope readValue(byte[] value, RawJson expectedSchema) {
        if (value == null) {
            throw new MalformedEventException(NOT_AN_ENVELOPE, "the record has no value (a Kafka tombstone)");
        }
        if (expectedSchema != null) {
            Envelope known = readWithKnownSchema(value, expectedSchema);
            if (known != null) {
                return known;
            }
        }
        Envelope wrapped = readConnectWrapped(value);
        if (wrapped != null) {
            return wrapped;
        }
        JsonNode root = parse(value);
        JsonNode schema = null;
        JsonNode payload = root;
        if (root.isObject() && root.has("payload") && root.has("schema") && root.size() == 2) {
            schema = root.get("schema");
            payload = root.get("payload");
        }
        return new Envelope(toEvent(payload), schema == null || schema.isNull() ? null : RawJson.of(schema));
    }

    /**
     * The fast path for what Connect's JSON converter writes, {@code {"schema":{...},"payload":{...}}} in that order:
     * the schema (most of the bytes, the same in every event of a table) is only tokenized and kept as its bytes,
     * not built into a tree; the payload is. Null when the value has another form (or is malformed): the general
     * path then reads it, and names what is wrong.
     */
    private static Envelope readConnectWrapped(byte[] value) {
        try (JsonParser p = MAPPER.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
                    || !"schema".equals(p.currentName()) || p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int schemaStart = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int schemaEnd = (int) p.currentLocation().getByteOffset();
            if (p.nextToken() != JsonToken.FIELD_NAME || !"payload".equals(p.currentName())
                    || p.nextToken() != JsonToken.START_OBJECT || schemaStart < 0 || schemaEnd <= schemaStart) {
                return null;
            }
            JsonNode payload = MAPPER.readTree(p);
            if (p.nextToken() != JsonToken.END_OBJECT) {
                return null;
            }
            return new Envelope(toEvent(payload), RawJson.copyOf(value, schemaStart, schemaEnd));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static final byte[] SCHEMA_FIELD = "{\"schema\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD_FIELD = ",\"payload\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The envelope of {@code {"schema":S,"payload":P}} (no whitespace between them, as Connect's JSON converter
     * writes) when S is {@code schema} byte for byte: S, a complete JSON object read before, needs no tokenizing; P
     * must be exactly one JSON object up to the closing brace. Null when the value has another form or schema (the
     * general path reads it then, and names what is wrong).
     */
    private static Envelope readWithKnownSchema(byte[] value, RawJson schema) {
        int payloadField = SCHEMA_FIELD.length + schema.length();
        int payloadStart = payloadField + PAYLOAD_FIELD.length;
        int payloadEnd = value.length - 1;
        if (payloadStart >= payloadEnd || value[payloadEnd] != '}' || value[payloadStart] != '{'
                || !Arrays.equals(value, 0, SCHEMA_FIELD.length, SCHEMA_FIELD, 0, SCHEMA_FIELD.length)
                || !Arrays.equals(value, payloadField, payloadStart, PAYLOAD_FIELD, 0, PAYLOAD_FIELD.length)
                || !schema.isAt(value, SCHEMA_FIELD.length)) {
            return null;
        }
        try (JsonParser p = MAPPER.createParser(value, payloadStart, payloadEnd - payloadStart)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode payload = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                return null;
            }
            return new Envelope(toEvent(payload), schema);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Reads a record key: the key columns as a JSON object, optionally wrapped with a schema. */
    public static RowKey readKey(byte[] key) {
        if (key == null) {
            throw new MalformedEventException(MISSING_KEY, "the record has no key");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(key);
        } catch (IOException | NumberFormatException e) {
            throw new MalformedEventException(MISSING_KEY, "the key is not JSON: " + firstLine(e), e);
        }
        if (root != null && root.isObject() && root.has("payload") && root.has("schema") && root.size() == 2) {
            root = root.get("payload");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException(MISSING_KEY, "the key is not a JSON object");
        }
        return new RowKey((ObjectNode) root);
    }

    /** Writes an event as a bare envelope (no schema wrapper). */
    public static byte[] writeValue(ChangeEvent event) {
        return write(toJson(event));
    }

    public static byte[] writeKey(RowKey key) {
        return write(key.columns());
    }

    /** The envelope as a JSON tree, field order as Debezium writes it. */
    public static ObjectNode toJson(ChangeEvent e) {
        ObjectNode out = MAPPER.createObjectNode();
        out.set("before", e.before());
        out.set("after", e.after());
        out.set("source", e.source().fields());
        out.put("op", e.op().code());
        out.put("ts_ms", e.tsMs());
        if (e.transaction() == null) {
            out.putNull("transaction");
        } else {
            ObjectNode tx = out.putObject("transaction");
            tx.put("id", e.transaction().id());
            tx.put("total_order", e.transaction().totalOrder());
            tx.put("data_collection_order", e.transaction().dataCollectionOrder());
        }
        return out;
    }

    /** Reads an envelope from a JSON tree (the {@code payload} part when a schema came with it). */
    public static ChangeEvent toEvent(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new MalformedEventException(NOT_AN_ENVELOPE, "the value is not a JSON object");
        }
        JsonNode op = payload.get("op");
        JsonNode source = payload.get("source");
        if (op == null || !op.isTextual()) {
            throw new MalformedEventException(NOT_AN_ENVELOPE, "no 'op' field");
        }
        if (source == null || !source.isObject()) {
            throw new MalformedEventException(NOT_AN_ENVELOPE, "no 'source' object");
        }
        return new ChangeEvent(
                row(payload, "before"),
                row(payload, "after"),
                Op.fromCode(op.asText()),
                payload.path("ts_ms").asLong(0),
                new SourceInfo((ObjectNode) source),
                transaction(payload.get("transaction")));
    }

    private static ObjectNode row(JsonNode payload, String field) {
        JsonNode n = payload.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new MalformedEventException(NOT_AN_ENVELOPE, "'" + field + "' is not an object");
        }
        return (ObjectNode) n;
    }

    private static TransactionInfo transaction(JsonNode tx) {
        if (tx == null || tx.isNull()) {
            return null;
        }
        if (!tx.isObject() || !tx.path("id").isTextual()) {
            throw new MalformedEventException(NOT_AN_ENVELOPE, "'transaction' is not a transaction block");
        }
        return new TransactionInfo(tx.get("id").asText(), tx.path("total_order").asLong(0),
                tx.path("data_collection_order").asLong(0));
    }

    private static JsonNode parse(byte[] value) {
        try {
            JsonNode n = MAPPER.readTree(value);
            if (n == null || n.isMissingNode()) {
                throw new MalformedEventException(UNPARSEABLE_JSON, "empty value");
            }
            return n;
        } catch (IOException | NumberFormatException e) {
            // Reading from memory cannot fail for I/O reasons: every IOException here (a JacksonException, or a
            // CharConversionException for bytes in no supported encoding) and a number Jackson cannot represent
            // (an exponent beyond BigDecimal's range) mean the input is not JSON we can read.
            throw new MalformedEventException(UNPARSEABLE_JSON, "not valid JSON: " + firstLine(e), e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
