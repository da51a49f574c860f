package io.cdcflow.router.consume;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The router's health: live while its loop runs; ready, with the paused tables (and why) in the check's data, so that
 * a paused table is reported but does not take the router out of service for the tables that still flow.
 */
@ApplicationScoped
public class RouterHealth {

    private final RouterLoop loop;
    private final PausedTables paused;

    RouterHealth(RouterLoop loop, PausedTables paused) {
        this.loop = loop;
        this.paused = paused;
    }

    @Liveness
    HealthCheck loop() {
        return () -> HealthCheckResponse.named("router loop").status(loop.healthy()).build();
    }

    @Readiness
    HealthCheck routing() {
        return () -> {
            var b = HealthCheckResponse.named("routing").up().withData("pausedTables", paused.all().size());
            paused.all().forEach((topic, p) -> b.withData("paused " + topic, p.reason()));
            return b.build();
        };
    }
}
