package io.cdcflow.capture.source;

import io.cdcflow.capture.publish.OutgoingChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Capture metrics: {@code cdc.capture.events} (source, table, op) counts published row changes, and
 * {@code cdc.capture.lag} (source, table) times source commit to Kafka acknowledgement.
 */
@ApplicationScoped
public class CaptureMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public CaptureMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records a batch Kafka has just acknowledged. */
    public void published(String source, List<OutgoingChange> batch, long publishStartedMs) {
        long now = System.currentTimeMillis();
        for (OutgoingChange change : batch) {
            if (!change.isRowChange()) {
                continue;
            }
            String id = source + '\u0000' + change.table();
            counters.computeIfAbsent(id + '\u0000' + change.op(), k -> Counter.builder("cdc.capture.events")
                    .tag("source", source).tag("table", change.table()).tag("op", change.op())
                    .register(registry)).increment();
            if (change.sourceTsMs() > 0) {
                timers.computeIfAbsent(id, k -> Timer.builder("cdc.capture.lag")
                        .tag("source", source).tag("table", change.table())
                        .publishPercentileHistogram().register(registry))
                        .record(Duration.ofMillis(Math.max(0, now - change.sourceTsMs())));
            }
        }
    }
}
