package io.cdcflow.sink;

import io.cdcflow.model.TableRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sink's meters, named as every sink names them: {@code cdc.sink.applied}, {@code cdc.sink.skipped.stale}
 * {sink, table}, {@code cdc.sink.set.aside} {sink, topic}, {@code cdc.sink.dead.lettered} {sink, reason},
 * {@code cdc.sink.errors} {sink} and the timer
 * {@code cdc.sink.lag} {sink, table}, from the source commit time to the moment the change was applied.
 */
@ApplicationScoped
public class SinkMetrics {

    private final MeterRegistry registry;
    private final String sink;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> lags = new ConcurrentHashMap<>();

    SinkMetrics(MeterRegistry registry, SinkConfig config) {
        this.registry = registry;
        this.sink = config.name();
        // Exported from the start, so alerts on it see a series at 0.
        counters.computeIfAbsent("cdc.sink.errors", n -> Counter.builder(n).tags("sink", sink).register(registry));
    }

    /** One change applied; its lag is recorded when the source said when it committed. */
    public void applied(TableRef table, long sourceTsMs) {
        counter("cdc.sink.applied", "table", table.qualifiedName()).increment();
        if (sourceTsMs > 0) {
            lags.computeIfAbsent(table.qualifiedName(), t -> Timer.builder("cdc.sink.lag")
                            .description("Time from the source commit to the change applied by " + sink)
                            .tags("sink", sink, "table", t).publishPercentileHistogram().register(registry))
                    .record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - sourceTsMs)));
        }
    }

    public void skippedStale(TableRef table) {
        skippedStale(table, 1);
    }

    /** {@code count} changes of {@code table} skipped because the store already held a newer position. */
    public void skippedStale(TableRef table, long count) {
        if (count > 0) {
            counter("cdc.sink.skipped.stale", "table", table.qualifiedName()).increment(count);
        }
    }

    /**
     * A change not written because a newer change of the same row came in the same batch and was written instead:
     * counted apart from {@code skipped.stale}, which then counts only what the store already held (re-deliveries).
     */
    public void superseded(TableRef table) {
        counter("cdc.sink.superseded", "table", table.qualifiedName()).increment();
    }

    /**
     * {@code count} records of a validated topic set aside, not applied: its table is paused for this sink (or they
     * were copies fetched before its partition was held); they are read again when it is resumed.
     */
    public void setAside(String topic, long count) {
        counter("cdc.sink.set.aside", "topic", topic).increment(count);
    }

    public void deadLettered(String reason) {
        counter("cdc.sink.dead.lettered", "reason", reason).increment();
    }

    public void error() {
        counters.computeIfAbsent("cdc.sink.errors", n -> Counter.builder(n).tags("sink", sink).register(registry))
                .increment();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '\u0000' + value,
                k -> Counter.builder(name).tags("sink", sink, tag, value).register(registry));
    }
}
