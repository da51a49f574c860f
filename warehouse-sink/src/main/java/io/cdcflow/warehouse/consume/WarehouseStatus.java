package io.cdcflow.warehouse.consume;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Whether the sink is in a warehouse outage right now (it is retrying a batch), for the readiness check. */
@ApplicationScoped
public class WarehouseStatus {

    private volatile String outage;

    void down(String why) {
        outage = why;
    }

    void up() {
        outage = null;
    }

    /** Why the warehouse is considered unavailable, or empty while batches go through. */
    public Optional<String> outage() {
        return Optional.ofNullable(outage);
    }
}
