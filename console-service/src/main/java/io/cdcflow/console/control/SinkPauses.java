package io.cdcflow.console.control;

import io.cdcflow.kafka.ControlTopic;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.config.KafkaClients;
import io.cdcflow.model.SinkPause;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The sinks' table pauses, written to and read from the sink control topic ({@code cdc.console.sink-control-topic},
 * the topic every sink instance follows): a pause is a {@link SinkPause} under {@code <sink>|<validated topic>}, a
 * resume its tombstone.
 */
@ApplicationScoped
public class SinkPauses {

    private final ControlTopic topic;

    SinkPauses(ConsoleConfig config, KafkaClients clients) {
        this.topic = new ControlTopic(config.sinkControlTopic(), clients.settings());
    }

    /** Pauses a table for a sink; returns once Kafka acknowledged it. */
    public void pause(SinkPause pause) {
        topic.write(pause.key(), pause.value());
    }

    /** Resumes a table for a sink; returns once Kafka acknowledged it. */
    public void resume(String sink, String validatedTopic) {
        topic.write(SinkPause.key(sink, validatedTopic), null);
    }

    /** Every pause in force, by sink and topic. */
    public List<SinkPause> all() {
        return topic.readAll().entrySet().stream()
                .map(e -> SinkPause.read(e.getKey(), e.getValue()))
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(SinkPause::sink).thenComparing(SinkPause::topic)).toList();
    }

    void stop(@Observes ShutdownEvent event) {
        topic.close();
    }
}
