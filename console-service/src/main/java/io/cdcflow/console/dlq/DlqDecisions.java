package io.cdcflow.console.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.kafka.ControlTopic;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.config.KafkaClients;
import io.cdcflow.model.Json;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Operators' decisions on dead letters, in a compacted topic ({@code cdc.console.decisions-topic}; key: the dead
 * letter's id, value: the latest decision as JSON: {@code action} {@code skipped} or {@code redriven}, {@code by},
 * {@code why}, {@code at}, and for a redrive where the record went). The console shows a dead letter with a decision
 * as handled; the dead letter itself stays in its topic. The topic is created on first use; it is read in full for
 * each answer (decisions are few).
 */
@ApplicationScoped
public class DlqDecisions {

    private static final Logger LOG = Logger.getLogger(DlqDecisions.class);

    private final ControlTopic topic;

    DlqDecisions(ConsoleConfig config, KafkaClients clients) {
        this.topic = new ControlTopic(config.decisionsTopic(), clients.settings());
    }

    /** Records a decision on a dead letter; returns once Kafka acknowledged it. */
    public void record(String id, ObjectNode decision) {
        try {
            topic.write(id, Json.mapper().writeValueAsBytes(decision));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the decision on " + id + ": " + e, e);
        }
    }

    /** The latest decision on each dead letter that has one. */
    public Map<String, ObjectNode> all() {
        Map<String, ObjectNode> out = new HashMap<>();
        topic.readAll().forEach((id, value) -> {
            try {
                out.put(id, (ObjectNode) Json.mapper().readTree(value));
            } catch (IOException | ClassCastException e) {
                LOG.warnf("ignoring an unreadable decision on %s in %s: %s", id, topic.name(), e);
            }
        });
        return out;
    }

    void stop(@Observes ShutdownEvent event) {
        topic.close();
    }
}
