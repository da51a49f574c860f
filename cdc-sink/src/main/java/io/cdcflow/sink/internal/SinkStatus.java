package io.cdcflow.sink.internal;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Whether the sink is in an outage of its store right now (it is retrying a batch), for its readiness check. */
@ApplicationScoped
public class SinkStatus {

    private volatile String outage;

    /** The cause of the current outage; empty while writes go through. */
    public Optional<String> outage() {
        return Optional.ofNullable(outage);
    }

    public void down(String cause) {
        outage = cause == null ? "store unavailable" : cause;
    }

    public void up() {
        outage = null;
    }
}
