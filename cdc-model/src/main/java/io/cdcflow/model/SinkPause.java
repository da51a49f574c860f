package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One sink's pause of one table, as it lives in the compacted sink control topic ({@code cdc.sink.control} by
 * default): the record's key is {@code <sink>|<validated topic>}, its value this pause as JSON; a tombstone under the
 * key resumes the table. The console writes these records; every instance of the named sink follows the topic and
 * holds the table's partitions at their first change not applied, so nothing is lost while it is paused, other tables
 * keep flowing, and the pause survives restarts.
 *
 * @param sink   the sink's name ({@code cdc.sink.name}, its consumer group)
 * @param topic  the validated topic of the table
 * @param reason why, as the operator gave it
 * @param by     who paused it
 * @param since  when
 */
public record SinkPause(String sink, String topic, String reason, String by, Instant since) {

    public SinkPause {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(topic, "topic");
        if (sink.contains("|")) {
            throw new IllegalArgumentException("a sink name cannot contain '|': " + sink);
        }
    }

    /** The record key of a sink's pause of a topic. */
    public static String key(String sink, String topic) {
        return sink + "|" + topic;
    }

    /** This pause's record key. */
    public String key() {
        return key(sink, topic);
    }

    /** This pause's record value. */
    public byte[] value() {
        ObjectNode n = Json.mapper().createObjectNode().put("sink", sink).put("topic", topic)
                .put("reason", reason).put("by", by).put("since", since.toString());
        try {
            return Json.mapper().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sink and topic a control record's key names, or empty when it is not a key of this form. */
    public static Optional<String[]> readKey(String k) {
        if (k == null) {
            return Optional.empty();
        }
        int bar = k.indexOf('|');
        return bar <= 0 || bar == k.length() - 1 ? Optional.empty()
                : Optional.of(new String[]{k.substring(0, bar), k.substring(bar + 1)});
    }

    /**
     * The pause a control record holds: empty for a tombstone (the table was resumed) or a record that is not one
     * (logged by the caller, never fatal: the control topic is an operator's, not a change stream).
     */
    public static Optional<SinkPause> read(String key, byte[] value) {
        Optional<String[]> names = readKey(key);
        if (names.isEmpty() || value == null) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.mapper().readTree(value);
            return Optional.of(new SinkPause(names.get()[0], names.get()[1], n.path("reason").asText(""),
                    n.path("by").asText(""), Instant.parse(n.path("since").asText(Instant.EPOCH.toString()))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
