package io.cdcflow.console.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.config.KafkaClients;
import io.cdcflow.model.Json;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    private final ConsoleConfig config;
    private final KafkaClients clients;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile boolean topicReady;

    DlqDecisions(ConsoleConfig config, KafkaClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /** Records a decision on a dead letter; returns once Kafka acknowledged it. */
    public void record(String id, ObjectNode decision) {
        ensureTopic();
        try {
            producer().send(new ProducerRecord<>(config.decisionsTopic(), id.getBytes(StandardCharsets.UTF_8),
                    Json.mapper().writeValueAsBytes(decision))).get(60, TimeUnit.SECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the decision on " + id + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording the decision on " + id, e);
        }
    }

    /** The latest decision on each dead letter that has one. */
    public Map<String, ObjectNode> all() {
        Map<String, ObjectNode> out = new HashMap<>();
        Map<String, Object> p = clients.settings();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var infos = consumer.listTopics(Duration.ofSeconds(30)).get(config.decisionsTopic());
            if (infos == null) {
                return out;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + config.decisionsTopic() + " to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        out.remove(id);
                        continue;
                    }
                    try {
                        out.put(id, (ObjectNode) Json.mapper().readTree(r.value()));
                    } catch (IOException | ClassCastException e) {
                        LOG.warnf("ignoring an unreadable decision at offset %d of %s: %s", r.offset(),
                                config.decisionsTopic(), e);
                    }
                }
            }
        }
        return out;
    }

    private void ensureTopic() {
        if (topicReady) {
            return;
        }
        try (Admin admin = Admin.create(clients.settings())) {
            admin.createTopics(List.of(new NewTopic(config.decisionsTopic(), 1, (short) -1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
            LOG.infof("created the decisions topic %s", config.decisionsTopic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + config.decisionsTopic() + ": " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating " + config.decisionsTopic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + config.decisionsTopic(), e);
        }
        topicReady = true;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = clients.producer("console-service-decisions");
                }
                p = producer;
            }
        }
        return p;
    }

    void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
