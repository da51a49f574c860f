package io.cdcflow.e2e;

import io.cdcflow.testkit.StackEndpoints;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * How many changes each sink's consumer group has consumed and committed on the validated inventory topics since a
 * mark: the committed offsets now minus the topics' end offsets at the mark (taken when every sink had caught up).
 */
final class SinkBacklog implements AutoCloseable {

    static final List<String> GROUPS = List.of("warehouse-sink", "cache-sink", "search-sink");

    private final Admin admin;
    private Map<TopicPartition, Long> mark = Map.of();

    SinkBacklog(StackEndpoints stack) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Takes the end offsets of the validated inventory topics as the new mark. */
    void mark() throws Exception {
        List<TopicPartition> partitions = partitions();
        mark = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The fewest changes any sink group committed since the mark. */
    long slowestConsumedSinceMark() throws Exception {
        long slowest = Long.MAX_VALUE;
        for (String group : GROUPS) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long consumed = 0;
            for (var m : mark.entrySet()) {
                OffsetAndMetadata o = offsets.get(m.getKey());
                consumed += Math.max(0, (o == null ? 0 : o.offset()) - m.getValue());
            }
            slowest = Math.min(slowest, consumed);
        }
        return slowest;
    }

    private List<TopicPartition> partitions() throws Exception {
        List<String> topics = StoreStates.TABLES.stream().map(t -> "validated.inventory.public." + t.name()).toList();
        return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
    }

    @Override
    public void close() {
        admin.close();
    }
}
