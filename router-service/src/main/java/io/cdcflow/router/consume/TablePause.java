package io.cdcflow.router.consume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;

import java.time.Instant;

/**
 * A paused table as the control topic records it.
 *
 * @param topic         the table's raw topic
 * @param reason        why it was paused, for people
 * @param since         when
 * @param by            who: {@code router-service} for a schema change, or the operator's user name
 * @param subject       the subject whose refused schema caused the pause; null for a pause by hand
 * @param pendingSchema that refused schema, which an operator may accept on resume; null for a pause by hand
 */
public record TablePause(String topic, String reason, Instant since, String by, String subject, String pendingSchema) {

    JsonNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("topic", topic).put("reason", reason).put("since", since.toString()).put("by", by)
                .put("subject", subject).put("pendingSchema", pendingSchema);
        return o;
    }

    static TablePause fromJson(JsonNode o) {
        return new TablePause(o.path("topic").asText(), o.path("reason").asText(""),
                Instant.parse(o.path("since").asText(Instant.EPOCH.toString())), o.path("by").asText(""),
                o.hasNonNull("subject") ? o.get("subject").asText() : null,
                o.hasNonNull("pendingSchema") ? o.get("pendingSchema").asText() : null);
    }
}
