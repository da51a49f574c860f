package io.cdcflow.orders.domain;

import io.debezium.outbox.quarkus.ExportedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.time.Instant;

/** Places orders: the order row and its {@link OrderCreated} outbox event commit together, or not at all. */
@ApplicationScoped
public class OrderService {

    private final EntityManager em;
    private final Event<ExportedEvent<?, ?>> events;

    OrderService(EntityManager em, Event<ExportedEvent<?, ?>> events) {
        this.em = em;
        this.events = events;
    }

    @Transactional
    public PurchaseOrder place(long customerId, BigDecimal total) {
        PurchaseOrder order = new PurchaseOrder();
        order.customerId = customerId;
        order.total = total;
        em.persist(order);
        em.flush();
        events.fire(new OrderCreated(order, Instant.now()));
        return order;
    }
}
