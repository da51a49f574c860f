package io.cdcflow.console.config;

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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small compacted topic of the console's (the latest value per key is what counts, a tombstone removes it): created
 * on first write, written with Kafka's acknowledgement awaited, read to its end in full for each answer (such topics
 * hold few keys). Thread-safe.
 */
public final class CompactedTopic implements AutoCloseable {

    private final String topic;
    private final KafkaClients clients;
    private final String clientId;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile boolean ready;

    public CompactedTopic(String topic, KafkaClients clients, String clientId) {
        this.topic = topic;
        this.clients = clients;
        this.clientId = clientId;
    }

    public String name() {
        return topic;
    }

    /** Writes {@code value} (null: a tombstone) under {@code key}; returns once Kafka acknowledged it. */
    public void write(byte[] key, byte[] value) {
        ensureTopic();
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the record for " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        }
    }

    /** The latest value of every key (as UTF-8 text) that has one; empty when the topic does not exist yet. */
    public Map<String, byte[]> readAll() {
        Map<String, byte[]> out = new HashMap<>();
        Map<String, Object> p = clients.settings();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
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
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        out.remove(key);
                    } else {
                        out.put(key, r.value());
                    }
                }
            }
        }
        return out;
    }

    private void ensureTopic() {
        if (ready) {
            return;
        }
        try (Admin admin = Admin.create(clients.settings())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        }
        ready = true;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = clients.producer(clientId);
                }
                p = producer;
            }
        }
        return p;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
