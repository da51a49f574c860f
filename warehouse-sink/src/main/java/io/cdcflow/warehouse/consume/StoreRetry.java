package io.cdcflow.warehouse.consume;

import io.cdcflow.sink.Backoff;
import io.cdcflow.sink.SinkMetrics;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.write.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * Runs a batch write until the warehouse takes it: on {@link StoreUnavailableException} it waits (exponential
 * backoff, from {@code cdc.sink.retry-initial-backoff} doubling to {@code cdc.sink.retry-max-backoff}) and tries the
 * same batch again, forever, so the consumer stops consuming and nothing is dropped or dead-lettered for an outage.
 * It logs once at WARN when an outage starts and once at INFO when it ends, counts every failed attempt in
 * {@code cdc.sink.errors}, and keeps {@link WarehouseStatus} (readiness) in step.
 */
@ApplicationScoped
public class StoreRetry {

    private static final Logger LOG = Logger.getLogger(StoreRetry.class);

    private final WarehouseSinkConfig config;
    private final SinkMetrics metrics;
    private final WarehouseStatus status;

    StoreRetry(WarehouseSinkConfig config, SinkMetrics metrics, WarehouseStatus status) {
        this.config = config;
        this.metrics = metrics;
        this.status = status;
    }

    public <T> T call(Supplier<T> write) {
        Backoff backoff = null;
        int failures = 0;
        while (true) {
            try {
                T result = write.get();
                if (backoff != null) {
                    LOG.infof("warehouse available again after %d failed attempt(s); batch written", failures);
                    status.up();
                }
                return result;
            } catch (StoreUnavailableException e) {
                metrics.error();
                failures++;
                if (backoff == null) {
                    LOG.warnf("%s; retrying the batch with backoff, consumption paused", e.getMessage());
                    backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
                } else {
                    LOG.debugf(e, "attempt %d failed", failures);
                }
                status.down(e.getMessage());
                backoff.pause();
            }
        }
    }
}
