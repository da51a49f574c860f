package io.cdcflow.capture.source;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when every configured source is capturing, or standing by while another instance captures it; a failed
 * source's last failure is in {@code <source>.error} (with the recovery, when capture knows it).
 */
@Readiness
@ApplicationScoped
public class CaptureHealthCheck implements HealthCheck {

    private final CaptureRunner runner;

    CaptureHealthCheck(CaptureRunner runner) {
        this.runner = runner;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("capture");
        boolean up = !runner.states().isEmpty();
        for (var e : runner.states().entrySet()) {
            b.withData(e.getKey(), e.getValue().name());
            up &= e.getValue() == CaptureRunner.SourceState.RUNNING || e.getValue() == CaptureRunner.SourceState.STANDBY;
        }
        runner.failures().forEach((source, message) -> b.withData(source + ".error", message));
        return b.status(up).build();
    }
}
