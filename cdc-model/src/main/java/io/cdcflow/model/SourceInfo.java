package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * The envelope's {@code source} block. Its shape differs per connector (PostgreSQL has {@code lsn}, MySQL
 * {@code file}/{@code pos}/{@code row}), so it keeps every field as JSON and offers typed accessors for the
 * common ones; nothing a connector wrote is lost when an event is forwarded.
 */
public record SourceInfo(ObjectNode fields) {

    /** Connector names written by this platform's own trigger and timestamp strategies. */
    public static final String TRIGGER = "trigger";
    public static final String TIMESTAMP = "timestamp";

    public SourceInfo {
        Objects.requireNonNull(fields, "fields");
    }

    /** A new, empty source block to fill with {@link #with(String, Object)}. */
    public static SourceInfo empty() {
        return new SourceInfo(JsonNodeFactory.instance.objectNode());
    }

    /** A copy with one more field; values are JSON scalars (String, Number, Boolean) or null. */
    public SourceInfo with(String name, Object value) {
        ObjectNode copy = fields.deepCopy();
        switch (value) {
            case null -> copy.putNull(name);
            case String s -> copy.put(name, s);
            case Long l -> copy.put(name, l);
            case Integer i -> copy.put(name, i);
            case Boolean b -> copy.put(name, b);
            case java.math.BigDecimal d -> copy.put(name, d);
            case JsonNode n -> copy.set(name, n);
            default -> throw new IllegalArgumentException("unsupported source value " + value.getClass());
        }
        return new SourceInfo(copy);
    }

    public String connector() {
        return text("connector").orElse("");
    }

    /** The logical name of the source (Debezium's {@code topic.prefix}). */
    public String name() {
        return text("name").orElse("");
    }

    public String db() {
        return text("db").orElse("");
    }

    /** The schema; MySQL and MariaDB have none, so it is empty there. */
    public String schema() {
        return text("schema").orElse("");
    }

    public String table() {
        return text("table").orElse("");
    }

    /** The commit time at the source, in epoch milliseconds, or 0 when the connector did not say. */
    public long tsMs() {
        return longValue("ts_ms").orElse(0L);
    }

    /**
     * The snapshot marker: {@code false} for streamed changes; {@code true}, {@code first}, {@code last},
     * {@code incremental} and similar for rows read by a snapshot.
     */
    public String snapshot() {
        JsonNode n = fields.get("snapshot");
        return n == null || n.isNull() ? "false" : n.asText();
    }

    public boolean isSnapshot() {
        return !"false".equals(snapshot());
    }

    /** The table this event is about; the namespace is the schema, or the database where there is none. */
    public TableRef tableRef() {
        String namespace = schema().isEmpty() ? db() : schema();
        return new TableRef(name(), namespace, table());
    }

    /** A boolean field: true only when the connector wrote {@code true} (or the text {@code "true"}). */
    public boolean flag(String field) {
        JsonNode n = fields.get(field);
        return n != null && (n.isBoolean() ? n.booleanValue() : "true".equals(n.asText()));
    }

    public Optional<String> text(String field) {
        JsonNode n = fields.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    /** A numeric field, also when the connector wrote it as a string of digits (Debezium's {@code sequence}). */
    public Optional<Long> longValue(String field) {
        JsonNode n = fields.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isIntegralNumber()) {
            return Optional.of(n.asLong());
        }
        if (n.isTextual()) {
            try {
                return Optional.of(Long.parseLong(n.asText()));
            } catch (NumberFormatException e) {
                throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                        "source." + field + " is not a number: " + n.asText(), e);
            }
        }
        throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                "source." + field + " is not a number: " + n);
    }
}
