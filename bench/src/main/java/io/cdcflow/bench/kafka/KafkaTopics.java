package io.cdcflow.bench.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The bench's Kafka chores: topics (re)created with {@code LogAppendTime} so record timestamps say when the broker
 * appended them, end offsets to know when a reader has delivered a backlog, and the first and last append times
 * of what a topic set holds.
 */
public final class KafkaTopics implements AutoCloseable {

    private final String bootstrap;
    private final Admin admin;

    public KafkaTopics(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(p);
    }

    /** Deletes the topics when present, waits until they are gone, then creates them with LogAppendTime. */
    public void recreate(Collection<String> topics, int partitions) throws InterruptedException, ExecutionException {
        delete(topics);
        List<NewTopic> create = new ArrayList<>();
        for (String t : topics) {
            create.add(new NewTopic(t, partitions, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")));
        }
        admin.createTopics(create).all().get();
    }

    /** Creates the topics with LogAppendTime when absent; returns the timestamp type each topic has. */
    public Map<String, String> ensureLogAppendTime(Collection<String> topics, int partitions) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> create = new ArrayList<>();
        for (String t : topics) {
            if (!existing.contains(t)) {
                create.add(new NewTopic(t, partitions, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")));
            }
        }
        if (!create.isEmpty()) {
            admin.createTopics(create).all().get();
        }
        Map<String, String> types = new HashMap<>();
        var resources = topics.stream().map(t -> new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t)).toList();
        admin.describeConfigs(resources).all().get().forEach((r, config) ->
                types.put(r.name(), config.get("message.timestamp.type").value()));
        return types;
    }

    /** Deletes the topics that exist and waits (up to a minute) until the broker no longer lists them. */
    public void delete(Collection<String> topics) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<String> present = topics.stream().filter(existing::contains).toList();
        if (present.isEmpty()) {
            return;
        }
        admin.deleteTopics(present).all().get();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Set<String> now = admin.listTopics().names().get();
            if (present.stream().noneMatch(now::contains)) {
                Thread.sleep(500);
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Kafka still lists topics " + present + " a minute after deleting them");
    }

    /** The sum of the end offsets of every partition of the topics (absent topics count 0). */
    public long endOffsetSum(Collection<String> topics) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<String> present = topics.stream().filter(existing::contains).toList();
        if (present.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(present).allTopicNames().get().forEach((name, description) ->
                description.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(latest).all().get().values().stream()
                .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /** Reads every record of the topics and returns how many there are and their first and last timestamps. */
    public AppendWindow window(Collection<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> parts = partitions(consumer, topics);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long count = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            String type = "";
            long deadline = System.currentTimeMillis() + 300_000;
            while (!reached(consumer, end) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue;
                    }
                    count++;
                    first = Math.min(first, r.timestamp());
                    last = Math.max(last, r.timestamp());
                    type = r.timestampType().toString();
                }
            }
            return new AppendWindow(count, first, last, type);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The partitions of the topics that exist. */
    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics) {
        Map<String, List<PartitionInfo>> all = consumer.listTopics();
        return topics.stream().filter(all::containsKey)
                .flatMap(t -> all.get(t).stream().map(p -> new TopicPartition(t, p.partition())))
                .collect(Collectors.toList());
    }

    /** A consumer without a group (assign only), reading raw bytes. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /** How many data records a topic set holds and the first and last of their timestamps (epoch ms). */
    public record AppendWindow(long count, long firstMs, long lastMs, String timestampType) {

        /** Records per second between the first and the last append. */
        public double ratePerSecond() {
            return lastMs > firstMs ? (count - 1) * 1000.0 / (lastMs - firstMs) : Double.NaN;
        }
    }
}
