package io.cdcflow.sink.internal;

import io.cdcflow.kafka.ControlTopic;
import io.cdcflow.model.SinkPause;
import io.cdcflow.sink.SinkConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tables this sink does not apply now: its records of the compacted sink control topic
 * ({@code cdc.sink.control-topic}, {@link SinkPause}), followed by every instance of the sink on a thread of its own
 * from the start of the topic. The topic is created when missing. The consumer waits for the topic to be read to its
 * end before its first batch ({@link #awaitLoaded}), so a pause survives restarts; a resume is handed to the listener
 * set with {@link #onResume}.
 */
@ApplicationScoped
public class SinkTablePauses {

    private static final Logger LOG = Logger.getLogger(SinkTablePauses.class);

    private final SinkConfig config;
    private final Map<String, Object> kafka;
    private final Map<String, SinkPause> paused = new ConcurrentHashMap<>();
    private volatile Consumer<String> resumed = topic -> { };
    private ControlTopic control;

    SinkTablePauses(SinkConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry meters) {
        this.config = config;
        this.kafka = kafka;
        meters.gaugeMapSize("cdc.sink.tables.paused", List.of(), paused);
    }

    void start(@Observes StartupEvent event) {
        control = new ControlTopic(config.controlTopic(), kafka);
        try {
            control.create();
        } catch (IllegalStateException e) {
            // The follower waits for the topic: a sink starts while Kafka is away, and reads the topic when it is back.
            LOG.warnf("%s; following it once it exists", e.getMessage());
        }
        control.follow("sink-control", this::apply);
    }

    private void apply(String key, byte[] value, long offset, boolean live) {
        var names = SinkPause.readKey(key);
        if (names.isEmpty()) {
            LOG.warnf("ignoring a record of %s at offset %d: its key is not <sink>|<topic>", config.controlTopic(), offset);
            return;
        }
        if (!names.get()[0].equals(config.name())) {
            return; // another sink's
        }
        String topic = names.get()[1];
        // The history read at start-up is summed up once it is read (awaitLoaded); only live changes are logged.
        if (value == null) {
            if (paused.remove(topic) != null && live) {
                LOG.infof("table %s resumed: reading it again from its first change not applied", topic);
                resumed.accept(topic);
            }
            return;
        }
        SinkPause.read(key, value).ifPresentOrElse(p -> {
            if (paused.put(topic, p) == null && live) {
                LOG.warnf("table %s paused by %s: %s", topic, p.by(), p.reason());
            }
        }, () -> LOG.warnf("ignoring an unreadable record of %s at offset %d", config.controlTopic(), offset));
    }

    /** Whether the control topic was read to its end once. */
    boolean loaded() {
        return control != null && control.loaded();
    }

    /** Blocks until the control topic was read to its end once (at start-up), logging while it waits. */
    void awaitLoaded() {
        while (!control.awaitLoaded(Duration.ofSeconds(30))) {
            LOG.warnf("waiting to read the sink control topic %s before applying changes", config.controlTopic());
        }
        LOG.infof("sink control topic %s read; paused tables: %s", config.controlTopic(), paused.keySet());
    }

    /** Whether the table of this validated topic is paused for this sink now. */
    boolean isPaused(String topic) {
        return paused.containsKey(topic);
    }

    /** Sets what to do when a table is resumed (called on the follower's thread). */
    void onResume(Consumer<String> listener) {
        this.resumed = listener;
    }

    void stop(@Observes ShutdownEvent event) {
        if (control != null) {
            control.close();
        }
    }
}
