package io.cdcflow.router.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.router.config.RouterConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Routes changes of an outbox table as domain events, with the semantics of Debezium's EventRouter: an inserted
 * row becomes one record on {@code outbox.event.<aggregatetype>} (configurable), keyed by the aggregate id, whose
 * value is the payload and whose headers carry the event id ({@code id}) and type ({@code eventType}). Deletes
 * (the outbox extension deletes each row right after inserting it) and updates are skipped.
 */
@ApplicationScoped
public class OutboxRouter {

    private final RouterConfig.Outbox config;

    OutboxRouter(RouterConfig config) {
        this.config = config.outbox();
    }

    /** True when the raw topic's table ({@code <source>.<schema>.<table>}) is an outbox table. */
    public boolean isOutbox(String table) {
        return config.tables().contains(table);
    }

    public Decision route(ChangeEvent event) {
        if (event.op() != Op.CREATE) {
            return new Decision.Skip("outbox_" + event.op().name().toLowerCase(java.util.Locale.ROOT));
        }
        ObjectNode row = event.after();
        String type = required(row, config.aggregateTypeColumn());
        String aggregateId = required(row, config.aggregateIdColumn());
        RecordHeaders headers = new RecordHeaders();
        headers.add("id", bytes(required(row, config.idColumn())));
        headers.add("eventType", bytes(required(row, config.typeColumn())));
        JsonNode payload = row.get(config.payloadColumn());
        byte[] value = payload == null || payload.isNull() ? null
                : payload.isTextual() ? bytes(payload.asText()) : bytes(payload.toString());
        return new Decision.Write(config.topic().replace("{aggregatetype}", type), bytes(aggregateId), value, headers);
    }

    private static String required(ObjectNode row, String column) {
        JsonNode v = row.get(column);
        if (v == null || v.isNull()) {
            throw new MalformedEventException(MalformedEventException.Reason.NOT_AN_ENVELOPE,
                    "outbox row without '" + column + "'");
        }
        return v.asText();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
