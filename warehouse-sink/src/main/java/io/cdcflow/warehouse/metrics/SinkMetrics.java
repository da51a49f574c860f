package io.cdcflow.warehouse.metrics;

import io.cdcflow.model.TableRef;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sink's meters, with the names and tags every sink uses: {@code cdc.sink.applied} and
 * {@code cdc.sink.skipped.stale} {sink, table}, {@code cdc.sink.dead.lettered} {sink, reason},
 * {@code cdc.sink.errors} {sink}, and the timer {@code cdc.sink.lag} {sink, table}: from the source commit to the
 * warehouse commit, as a percentile histogram.
 */
@ApplicationScoped
public class SinkMetrics {

    private final MeterRegistry registry;
    private final String sink;
    private final Map<String, Timer> lag = new ConcurrentHashMap<>();

    SinkMetrics(MeterRegistry registry, WarehouseSinkConfig config) {
        this.registry = registry;
        this.sink = config.name();
        registry.counter("cdc.sink.errors", "sink", sink); // exported from the start, so alerts see a series at 0
    }

    public void applied(TableRef table, long count) {
        if (count > 0) {
            registry.counter("cdc.sink.applied", "sink", sink, "table", table.qualifiedName()).increment(count);
        }
    }

    public void skippedStale(TableRef table, long count) {
        if (count > 0) {
            registry.counter("cdc.sink.skipped.stale", "sink", sink, "table", table.qualifiedName()).increment(count);
        }
    }

    public void deadLettered(String reason) {
        registry.counter("cdc.sink.dead.lettered", "sink", sink, "reason", reason).increment();
    }

    /** One failed attempt to reach the warehouse, the registry or Kafka. */
    public void error() {
        registry.counter("cdc.sink.errors", "sink", sink).increment();
    }

    /** Records the lag of one applied change; ignored when the source did not say when it committed. */
    public void lag(TableRef table, long sourceTsMs, long nowMs) {
        if (sourceTsMs <= 0) {
            return;
        }
        lag.computeIfAbsent(table.qualifiedName(), t -> Timer.builder("cdc.sink.lag")
                        .tag("sink", sink).tag("table", t)
                        .publishPercentileHistogram()
                        .register(registry))
                .record(Duration.ofMillis(Math.max(0, nowMs - sourceTsMs)));
    }
}
