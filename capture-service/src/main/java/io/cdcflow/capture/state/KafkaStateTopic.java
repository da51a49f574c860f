package io.cdcflow.capture.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The capture state topic: a compacted Kafka topic of one partition where sources with {@code state-store=kafka}
 * keep their state, one record per piece ({@code <source>/<name>} → its JSON object), the latest record of a key
 * being the piece's value. Every replica of capture-service reads it, so whichever takes a source's leader lock
 * goes on from the state its predecessor saved, without a shared volume.
 *
 * <p>A save returns once Kafka acknowledged the record ({@code acks=all}, idempotent producer). A load reads the
 * topic from its beginning to the end offsets taken when it starts, so it sees every acknowledged save. Only the
 * leader of a source saves its state. Created by capture when absent ({@code cleanup.policy=compact}, replication
 * from the broker's defaults); an existing topic that is not compacted is refused, as compaction would otherwise
 * delete state. Thread-safe; its clients are created on first use and closed by {@link #close}.
 */
public final class KafkaStateTopic implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaStateTopic.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientSettings;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean ready;

    /**
     * @param topic          the topic's name ({@code cdc.capture.state-topic})
     * @param clientSettings Kafka client settings (bootstrap servers, security) shared by its admin client, producer
     *                       and consumers
     */
    public KafkaStateTopic(String topic, Map<String, Object> clientSettings) {
        this.topic = topic;
        this.clientSettings = Map.copyOf(clientSettings);
    }

    public String topic() {
        return topic;
    }

    /** The latest value of {@code key}; empty when none was saved (or it was deleted). */
    public Optional<ObjectNode> load(String key) throws IOException {
        ensureTopic();
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "capture-service-state-reader");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
        byte[] latest = null;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), TIMEOUT) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("could not read the capture state topic " + topic + " to its end within "
                            + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), wanted)) {
                        latest = r.value();
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException("cannot read " + key + " from the capture state topic " + topic + ": " + e.getMessage(), e);
        }
        if (latest == null) {
            return Optional.empty();
        }
        JsonNode state = Json.mapper().readTree(latest);
        if (state == null || !state.isObject()) {
            throw new IOException("the capture state topic " + topic + " holds no JSON object under " + key);
        }
        return Optional.of((ObjectNode) state);
    }

    /** Saves {@code state} as the value of {@code key}; returns once Kafka acknowledged it. */
    public void save(String key, ObjectNode state) throws IOException {
        ensureTopic();
        try {
            producer().send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    Json.mapper().writeValueAsBytes(state))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("Kafka did not take " + key + " on the capture state topic " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("Kafka did not acknowledge " + key + " on the capture state topic " + topic
                    + " within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while saving " + key + " on the capture state topic " + topic, e);
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(clientSettings);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "capture-service-state");
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Creates the topic when absent; refuses one that is not compacted. Once per instance. */
    private synchronized void ensureTopic() throws IOException {
        if (ready) {
            return;
        }
        Map<String, Object> props = new HashMap<>(clientSettings);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "capture-service-state-admin");
        try (Admin admin = Admin.create(props)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        // Rolled and compacted within the hour, so that a load reads little beyond the live keys.
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()),
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"))))
                        .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("created the capture state topic %s (compacted)", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                throw new IOException("the capture state topic " + topic + " has cleanup.policy=" + policy
                        + ", which would delete sources' state; it must be compact (cdc.capture.state-topic names it)");
            }
            ready = true;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("cannot create or check the capture state topic " + topic + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking the capture state topic " + topic, e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }
}
