package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A change event as read from a Kafka record value, with the Kafka Connect schema that came with it when
 * the producer used the JSON converter with schemas enabled (null otherwise), kept as its bytes.
 */
public record Envelope(ChangeEvent event, RawJson connectSchemaJson) {

    public boolean hasConnectSchema() {
        return connectSchemaJson != null;
    }

    /** The Connect schema as a tree (parsed on each call), or null. */
    public JsonNode connectSchema() {
        return connectSchemaJson == null ? null : connectSchemaJson.tree();
    }
}
