package io.cdcflow.testkit;

import io.cdcflow.model.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The dead-letter topic {@code cdc.dlq} as tests read it: the dead letters of one origin topic (and service), told
 * apart by their {@link DeadLetterHeaders}, written after a mark the test took before causing them.
 */
public final class DeadLetters {

    /** The dead-letter topic the services write by default. */
    public static final String TOPIC = "cdc.dlq";

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final TestKafka kafka;

    /** The dead-letter topic of the Kafka {@code kafka} reaches. */
    public DeadLetters(TestKafka kafka) {
        this.kafka = kafka;
    }

    /** Its end offsets now: the dead letters written from then on are read from this mark. */
    public Map<TopicPartition, Long> mark() {
        return kafka.endOffsets(TOPIC);
    }

    /** How many dead letters there are, of any origin; 0 before the first. */
    public long count() {
        return mark().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The dead letters of records read from {@code topic}, written by {@code service} (any service when null). */
    public static Predicate<ConsumerRecord<byte[], byte[]>> from(String topic, String service) {
        return r -> topic.equals(TestKafka.header(r, DeadLetterHeaders.TOPIC))
                && (service == null || service.equals(TestKafka.header(r, DeadLetterHeaders.SERVICE)));
    }

    /** The dead letters of records read from a topic whose name contains {@code part}, written by any service. */
    public static Predicate<ConsumerRecord<byte[], byte[]>> fromTopicContaining(String part) {
        return r -> Objects.requireNonNullElse(TestKafka.header(r, DeadLetterHeaders.TOPIC), "").contains(part);
    }

    /** Every dead letter after {@code mark} (empty: from the beginning) that {@code which} accepts, up to the end now. */
    public List<ConsumerRecord<byte[], byte[]>> since(Map<TopicPartition, Long> mark,
                                                      Predicate<ConsumerRecord<byte[], byte[]>> which) {
        return kafka.readToEnd(TOPIC, mark).stream().filter(which).toList();
    }

    /**
     * Waits for {@code expected} dead letters after {@code mark} that {@code which} accepts, one per original record:
     * delivery is at least once, so a record consumed again after a rebalance is dead-lettered again.
     */
    public List<ConsumerRecord<byte[], byte[]>> await(Map<TopicPartition, Long> mark,
                                                      Predicate<ConsumerRecord<byte[], byte[]>> which, int expected) {
        return List.copyOf(firstPerOrigin(kafka.readUntil(TOPIC, mark,
                read -> firstPerOrigin(read, which).size() >= expected, DEADLINE), which).values());
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> firstPerOrigin(
            List<ConsumerRecord<byte[], byte[]>> read, Predicate<ConsumerRecord<byte[], byte[]>> which) {
        Map<String, ConsumerRecord<byte[], byte[]>> first = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            if (which.test(r)) {
                first.putIfAbsent(String.join("/", TestKafka.header(r, DeadLetterHeaders.SERVICE),
                        TestKafka.header(r, DeadLetterHeaders.TOPIC), TestKafka.header(r, DeadLetterHeaders.PARTITION),
                        TestKafka.header(r, DeadLetterHeaders.OFFSET)), r);
            }
        }
        return first;
    }
}
