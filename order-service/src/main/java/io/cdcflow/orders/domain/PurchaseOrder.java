package io.cdcflow.orders.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.LocalDate;

/** An order of the inventory schema's {@code orders} table, as the order service writes it. */
@Entity
@Table(name = "orders")
public class PurchaseOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "order_date", nullable = false)
    public LocalDate orderDate = LocalDate.now();

    @Column(name = "customer_id", nullable = false)
    public long customerId;

    @Column(nullable = false)
    public String status = "NEW";

    @Column(nullable = false, precision = 12, scale = 2)
    public BigDecimal total = BigDecimal.ZERO;
}
