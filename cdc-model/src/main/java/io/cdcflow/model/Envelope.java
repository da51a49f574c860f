package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A change event as read from a Kafka record value, with the Kafka Connect schema that came with it when
 * the producer used the JSON converter with schemas enabled (null otherwise).
 */
public record Envelope(ChangeEvent event, JsonNode connectSchema) {

    public boolean hasConnectSchema() {
        return connectSchema != null && !connectSchema.isNull();
    }
}
