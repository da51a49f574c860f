package io.cdcflow.sink.internal;

import io.cdcflow.sink.ChangeWriter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the sink's writes: DOWN while a batch is being retried because the store cannot take it. */
@Readiness
@ApplicationScoped
public class SinkReadinessCheck implements HealthCheck {

    private final SinkStatus status;
    private final ChangeWriter writer;

    SinkReadinessCheck(SinkStatus status, ChangeWriter writer) {
        this.status = status;
        this.writer = writer;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(writer.store() + " writes");
        return status.outage().map(cause -> response.down().withData("outage", cause).build())
                .orElseGet(() -> response.up().build());
    }
}
