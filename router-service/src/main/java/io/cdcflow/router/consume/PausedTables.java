package io.cdcflow.router.consume;

import io.cdcflow.kafka.ControlTopic;
import io.cdcflow.model.Json;
import io.cdcflow.router.config.RouterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tables the router does not route now, shared by every router instance and kept across restarts in a
 * compacted control topic ({@code cdc.router.control-topic}; key: the table's raw topic, value: a {@link TablePause},
 * or a tombstone when the table was resumed).
 *
 * <p>Lifecycle: {@link #start} (before the router's consumer starts) creates the topic when missing, reads it to its
 * end, and keeps following it ({@link ControlTopic}), so a pause decided by another instance or an operator reaches
 * this one within a poll; {@link #stop} at shutdown. {@link #pause} and {@link #resume} write to the topic and wait for
 * Kafka's acknowledgement.
 */
@ApplicationScoped
public class PausedTables {

    private static final Logger LOG = Logger.getLogger(PausedTables.class);

    private final RouterConfig config;
    private final MeterRegistry meters;
    private final Map<String, TablePause> paused = new ConcurrentHashMap<>();
    private ControlTopic control;

    PausedTables(RouterConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        meters.gaugeMapSize("cdc.router.tables.paused", List.of(), paused);
    }

    /** Creates the control topic if needed, loads it, and follows it. */
    void start(Map<String, Object> kafka) {
        control = new ControlTopic(config.controlTopic(), kafka);
        control.create();
        control.follow("router-control", this::apply);
        if (!control.awaitLoaded(Duration.ofSeconds(60))) {
            throw new IllegalStateException("could not read the control topic " + config.controlTopic()
                    + " to its end within 60 s");
        }
        if (!paused.isEmpty()) {
            LOG.infof("paused tables: %s", paused.keySet());
        }
    }

    private void apply(String topic, byte[] value, long offset, boolean live) {
        if (value == null) {
            if (paused.remove(topic) != null) {
                LOG.infof("table %s resumed", topic);
            }
            return;
        }
        try {
            TablePause p = TablePause.fromJson(Json.mapper().readTree(value));
            if (paused.put(topic, p) == null) {
                LOG.warnf("table %s paused by %s: %s", topic, p.by(), p.reason());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("ignoring an unreadable record of %s at offset %d: %s", config.controlTopic(), offset, e);
        }
    }

    /** True when the table of this raw topic is not to be routed now. */
    public boolean isPaused(String topic) {
        return paused.containsKey(topic);
    }

    /** Every paused table. */
    public Map<String, TablePause> all() {
        return Map.copyOf(paused);
    }

    /** Pauses a table for every router instance; returns once Kafka acknowledged it. */
    public void pause(TablePause pause) {
        control.write(pause.topic(), pause.toJson().toString().getBytes(StandardCharsets.UTF_8));
        paused.put(pause.topic(), pause);
        meters.counter("cdc.router.tables.pauses", "topic", pause.topic(), "by", pause.by()).increment();
    }

    /** Resumes a table for every router instance ({@code by}: who); returns once Kafka acknowledged it. */
    public void resume(String topic, String by) {
        control.write(topic, null);
        paused.remove(topic);
        meters.counter("cdc.router.tables.resumes", "topic", topic, "by", by).increment();
    }

    void stop() {
        if (control != null) {
            control.close();
        }
    }
}
