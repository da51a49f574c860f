package io.cdcflow.console.dlq;

import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.config.KafkaClients;
import io.cdcflow.model.DeadLetterHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the dead-letter topic as it is now: every record from the start of each partition to the end it had when
 * the read began (Kafka's retention decides what is still there; nothing here deletes). Each read uses a consumer of
 * its own, assigned, never committing, so it leaves no consumer group behind.
 */
@ApplicationScoped
public class DeadLetterReader {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    private final ConsoleConfig config;
    private final KafkaClients clients;

    DeadLetterReader(ConsoleConfig config, KafkaClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /** Hands every dead letter now in the topic to {@code each}, partition by partition, in offset order. */
    public void forEach(Consumer<DeadLetterRecord> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + config.dlqTopic() + " to its end within " + READ_LIMIT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        toDeadLetter(r).ifPresent(each);
                    }
                }
            }
        }
    }

    /** Every dead letter that {@code filter} matches. */
    public List<DeadLetterRecord> matching(DeadLetterFilter filter) {
        List<DeadLetterRecord> out = new ArrayList<>();
        forEach(r -> {
            if (filter.matches(r)) {
                out.add(r);
            }
        });
        return out;
    }

    /** One dead letter by its id ({@code <partition>-<offset>}); empty when there is none (or it expired). */
    public Optional<DeadLetterRecord> byId(String id) {
        int dash = id.indexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(id.substring(0, dash));
            offset = Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition tp = new TopicPartition(config.dlqTopic(), partition);
            if (partitions(consumer).stream().noneMatch(tp::equals)) {
                return Optional.empty();
            }
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            if (offset >= end) {
                return Optional.empty();
            }
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() == offset) {
                        return toDeadLetter(r);
                    }
                    if (r.offset() > offset) {
                        return Optional.empty(); // compacted or expired away
                    }
                }
                if (consumer.position(tp) > offset) {
                    return Optional.empty();
                }
            }
            throw new IllegalStateException("could not read " + id + " of " + config.dlqTopic() + " within " + READ_LIMIT);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(30)).get(config.dlqTopic());
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> p = clients.settings();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "console-service-dlq-reader");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The dead letter of a record of the topic; empty when its headers are not those of the contract. */
    static Optional<DeadLetterRecord> toDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return DeadLetterHeaders.read(headers::get).map(origin -> new DeadLetterRecord(
                DeadLetterRecord.id(r.partition(), r.offset()), r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                origin, redriveCount(headers.get(DeadLetterRecord.REDRIVE_COUNT)), r.key(), r.value(), headers));
    }

    private static int redriveCount(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(header.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
