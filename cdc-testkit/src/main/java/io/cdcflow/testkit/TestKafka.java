package io.cdcflow.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The tests' own clients of one Kafka: topics made and removed, records produced and acknowledged, end and committed
 * offsets, and byte-array consumers that read a topic. Its admin client and producer are made on first use and
 * closed with it; the consumers it hands out belong to the caller.
 */
public final class TestKafka implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    /** Clients of the Kafka at {@code bootstrap}. */
    public TestKafka(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Clients of the stack's Kafka. */
    public static TestKafka of(StackEndpoints stack) {
        return new TestKafka(stack.kafkaBootstrap());
    }

    /** The admin client, made on first use. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
        }
        return admin;
    }

    /** The producer (acknowledged by all replicas, idempotent), made on first use. */
    public synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                    new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Produces {@code record} and returns once Kafka acknowledged it. */
    public RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        return get(producer().send(record), "cannot produce to " + record.topic());
    }

    /** Produces a record (its headers' values as UTF-8) and returns once Kafka acknowledged it. */
    public RecordMetadata send(String topic, byte[] key, byte[] value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return send(r);
    }

    /** Produces a record without headers and returns once Kafka acknowledged it. */
    public RecordMetadata send(String topic, byte[] key, byte[] value) {
        return send(topic, key, value, Map.of());
    }

    /** Creates {@code topic} with {@code partitions} partitions and one replica; fails when it exists. */
    public void createTopic(String topic, int partitions) {
        get(admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all(), "cannot create topic " + topic);
    }

    /** The names of the topics there are. */
    public Set<String> topics() {
        return get(admin().listTopics().names(), "cannot list the topics");
    }

    /** Deletes those of {@code topics} that exist and waits until the broker no longer lists them (it deletes later). */
    public void deleteTopics(Collection<String> topics) {
        List<String> doomed = topics.stream().filter(topics()::contains).toList();
        if (!doomed.isEmpty()) {
            get(admin().deleteTopics(doomed).all(), "cannot delete the topics " + doomed);
            await("the topics " + doomed + " deleted").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> topics().stream().noneMatch(doomed::contains));
        }
    }

    /** Deletes the consumer group {@code group}. */
    public void deleteGroup(String group) {
        get(admin().deleteConsumerGroups(List.of(group)).all(), "cannot delete the consumer group " + group);
    }

    /** The end offset of each partition of {@code topic}; empty when the topic does not exist. */
    public Map<TopicPartition, Long> endOffsets(String topic) {
        if (!topics().contains(topic)) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        get(admin().describeTopics(List.of(topic)).allTopicNames(), "cannot describe " + topic).get(topic)
                .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        get(admin().listOffsets(latest).all(), "cannot read the end offsets of " + topic)
                .forEach((p, info) -> end.put(p, info.offset()));
        return end;
    }

    /** The offsets {@code group} committed, by partition; empty when it committed none. */
    public Map<TopicPartition, Long> committedOffsets(String group) {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata(), "cannot read the offsets of group " + group);
        committed.forEach((p, o) -> {
            if (o != null) {
                out.put(p, o.offset());
            }
        });
        return out;
    }

    /** True when {@code group} has committed every record produced so far to {@code topic}. */
    public boolean consumed(String group, String topic) {
        Map<TopicPartition, Long> end = endOffsets(topic);
        Map<TopicPartition, Long> committed = committedOffsets(group);
        return end.entrySet().stream().filter(e -> e.getValue() > 0)
                .allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    /** Waits, once what was sent is flushed, until {@code group} has committed every record of {@code topic}. */
    public void awaitConsumed(String group, String topic, Duration deadline) {
        if (producer != null) {
            producer.flush();
        }
        await(group + " consumed " + topic).atMost(deadline).pollInterval(Duration.ofMillis(300))
                .until(() -> consumed(group, topic));
    }

    /** A consumer in no group, auto-commit off, to assign partitions to; {@code settings} add to or override that. */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        all.putAll(settings);
        return new KafkaConsumer<>(all, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A consumer of {@code topic} from its earliest records, in a group of its own, subscribed by name so that the
     * topic may appear later; {@code settings} add to or override that.
     */
    public KafkaConsumer<byte[], byte[]> subscribe(String topic, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000));
        all.putAll(settings);
        KafkaConsumer<byte[], byte[]> c = consumer(all);
        c.subscribe(Pattern.compile(Pattern.quote(topic)));
        return c;
    }

    /**
     * The records of {@code topic} from the offsets {@code start} (a partition not in it from its beginning) up to
     * its end offsets now; empty when the topic does not exist.
     */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic, Map<TopicPartition, Long> start) {
        Map<TopicPartition, Long> end = endOffsets(topic);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        if (end.isEmpty()) {
            return read;
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer(Map.of())) {
            position(c, end.keySet(), start);
            await("the end of " + topic).atMost(TIMEOUT.multipliedBy(2)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        read.add(r);
                    }
                }
                return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
            });
        }
        return read;
    }

    /**
     * Reads {@code topic} from the offsets {@code start} (a partition not in it from its beginning; the topic may
     * appear meanwhile) until {@code done} holds for what was read, or fails after {@code deadline}; what was read.
     */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, Map<TopicPartition, Long> start,
                                                          Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                          Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(Map.of())) {
            await("records of " + topic).atMost(deadline).until(() -> {
                if (c.assignment().isEmpty()) {
                    position(c, c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList(),
                            start);
                }
                c.poll(Duration.ofMillis(500)).forEach(read::add);
                return done.test(read);
            });
        }
        return read;
    }

    private static void position(KafkaConsumer<byte[], byte[]> c, Collection<TopicPartition> partitions,
                                 Map<TopicPartition, Long> start) {
        c.assign(partitions);
        for (TopicPartition p : partitions) {
            if (start.containsKey(p)) {
                c.seek(p, start.get(p));
            } else {
                c.seekToBeginning(List.of(p));
            }
        }
    }

    /** The value of the record's last header {@code name} as UTF-8 text; null when it has none. */
    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The record's headers by name (the last of each) as UTF-8 text, in their order. */
    public static Map<String, String> headers(ConsumerRecord<?, ?> r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static <T> T get(Future<T> future, String failure) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure + ": interrupted", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(failure, e);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close();
        }
    }
}
