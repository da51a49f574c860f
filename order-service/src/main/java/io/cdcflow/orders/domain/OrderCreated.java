package io.cdcflow.orders.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.outbox.quarkus.ExportedEvent;

import java.time.Instant;

/**
 * The domain event published when an order is placed: written to the outbox table in the order's transaction by
 * the Debezium outbox extension, captured from there, and routed to {@code outbox.event.Order}.
 */
public record OrderCreated(PurchaseOrder order, Instant at) implements ExportedEvent<String, JsonNode> {

    @Override
    public String getAggregateId() {
        return Long.toString(order.id);
    }

    @Override
    public String getAggregateType() {
        return "Order";
    }

    @Override
    public String getType() {
        return "OrderCreated";
    }

    @Override
    public Instant getTimestamp() {
        return at;
    }

    @Override
    public JsonNode getPayload() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("id", order.id);
        p.put("customerId", order.customerId);
        p.put("status", order.status);
        p.put("total", order.total);
        p.put("orderDate", order.orderDate.toString());
        return p;
    }
}
