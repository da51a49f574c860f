package io.cdcflow.cache.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/** The tests' own Kafka clients: produce, read end and committed offsets, read the dead-letter topic. */
final class ItKafka implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    private final String bootstrap;
    private final String group;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;

    /** Clients of the Kafka at {@code bootstrap}, watching the sink's consumer group {@code group}. */
    ItKafka(String bootstrap, String group) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    void produce(String topic, byte[] key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    Map<TopicPartition, Long> endOffsets(String topic) {
        ensureTopic(topic);
        try {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic).partitions().stream().collect(Collectors.toMap(
                            p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /**
     * Creates {@code topic} with the broker's defaults unless it exists: on a fresh Kafka the dead-letter topic
     * appears only with the first dead letter, and its offsets before that are read as the start.
     */
    private void ensureTopic(String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        }
    }

    /** True when the sink's group has committed every record produced so far to {@code topic}. */
    boolean consumed(String topic) {
        Map<TopicPartition, Long> end = endOffsets(topic);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + group, e);
        }
        return end.entrySet().stream().filter(e -> e.getValue() > 0).allMatch(e ->
                committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
    }

    /** Waits until the sink's group has committed every record produced so far to {@code topic}. */
    void awaitConsumed(String topic) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(300)).until(() -> consumed(topic));
    }

    /**
     * The dead letters the cache-sink wrote for records of {@code topic} after the offsets {@code start}, one per
     * original record: delivery is at least once, so a record consumed again after a rebalance is dead-lettered again.
     */
    List<ConsumerRecord<byte[], byte[]>> deadLetters(Map<TopicPartition, Long> start, String topic, int expected) {
        Map<String, ConsumerRecord<byte[], byte[]>> found = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor("cdc.dlq").stream()
                    .map(p -> new TopicPartition("cdc.dlq", p.partition())).toList();
            c.assign(partitions);
            partitions.forEach(p -> c.seek(p, start.getOrDefault(p, 0L)));
            await().atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (topic.equals(header(r, "cdc.dlq.topic")) && "cache-sink".equals(header(r, "cdc.dlq.service"))) {
                        found.putIfAbsent(header(r, "cdc.dlq.partition") + "/" + header(r, "cdc.dlq.offset"), r);
                    }
                }
                return found.size() >= expected;
            });
        }
        return List.copyOf(found.values());
    }

    /** The dead letters the cache-sink wrote for records of {@code topic} between {@code start} and the end now. */
    List<ConsumerRecord<byte[], byte[]>> deadLettersSoFar(Map<TopicPartition, Long> start, String topic) {
        Map<TopicPartition, Long> end = endOffsets("cdc.dlq");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.assign(end.keySet());
            end.keySet().forEach(p -> c.seek(p, start.getOrDefault(p, 0L)));
            await().atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (topic.equals(header(r, "cdc.dlq.topic")) && "cache-sink".equals(header(r, "cdc.dlq.service"))) {
                        found.add(r);
                    }
                }
                return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
            });
        }
        return found;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close();
    }
}
