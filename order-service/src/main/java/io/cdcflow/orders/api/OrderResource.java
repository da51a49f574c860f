package io.cdcflow.orders.api;

import io.cdcflow.orders.domain.OrderService;
import io.cdcflow.orders.domain.PurchaseOrder;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.net.URI;

/** HTTP entry point: {@code POST /orders {"customerId": 1, "total": 12.50}} places an order. */
@Path("/orders")
public class OrderResource {

    private final OrderService orders;

    OrderResource(OrderService orders) {
        this.orders = orders;
    }

    /** The body of a new order. */
    public record NewOrder(Long customerId, BigDecimal total) {
    }

    @POST
    public Response place(NewOrder body) {
        if (body == null || body.customerId() == null || body.total() == null) {
            return Response.status(400).entity("{\"error\":\"customerId and total are required\"}").build();
        }
        PurchaseOrder order = orders.place(body.customerId(), body.total());
        return Response.created(URI.create("/orders/" + order.id)).entity(order).build();
    }
}
