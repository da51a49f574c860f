package io.cdcflow.capture.jdbc;

import io.cdcflow.capture.publish.BatchPublisher;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The stack's real Kafka for polling-source ITs: an acknowledging publisher, topic clean-up, and a reader. */
public final class KafkaTestSupport implements AutoCloseable {

    private final TestKafka kafka = TestKafka.of(Stack.up());

    /** A publisher that returns once Kafka acknowledged the whole batch, as KafkaChangePublisher does. */
    public BatchPublisher publisher() {
        return batch -> {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (OutgoingChange c : batch) {
                acks.add(kafka.producer().send(new ProducerRecord<>(c.topic(), c.key(), c.value())));
            }
            for (Future<RecordMetadata> ack : acks) {
                try {
                    ack.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("Kafka did not acknowledge", e);
                }
            }
        };
    }

    /** Deletes topics an earlier run left, and waits until they are gone. */
    public static void deleteTopics(String... topics) {
        try (TestKafka kafka = TestKafka.of(Stack.up())) {
            kafka.deleteTopics(List.of(topics));
        }
    }

    /** A consumer of one topic from its beginning that accumulates what it read. */
    public static final class Reader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        public Reader(String topic) {
            consumer = TestKafka.of(Stack.up()).subscribe(topic, Map.of(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500));
        }

        /** Polls until {@code done} holds for what was read (then two seconds more, so duplicates show), or fails. */
        public List<ConsumerRecord<byte[], byte[]>> await(Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration deadline) {
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                if (done.test(records)) {
                    long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < settle) {
                        consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                    }
                    return List.copyOf(records);
                }
            }
            throw new AssertionError("timed out; read so far: " + records.stream().map(r -> r.key() == null ? "(no key)" : new String(r.key())).toList());
        }

        /** Polls until {@code done} holds for what was read, without the settling time of {@link #await}, or fails. */
        public List<ConsumerRecord<byte[], byte[]>> awaitNoSettle(Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration deadline) {
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                if (done.test(records)) {
                    return List.copyOf(records);
                }
            }
            throw new AssertionError("timed out after reading " + records.size() + " records");
        }

        /** Waits for at least {@code n} records. */
        public List<ConsumerRecord<byte[], byte[]>> await(int n) {
            return await(r -> r.size() >= n, Duration.ofSeconds(30));
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * What every sink holds after applying the records by the position rule: per row the change with the highest
     * position, a truncate removing the rows whose position is below its own and refusing older changes after it;
     * each live row's {@code column} by its {@code id}.
     */
    public static Map<Long, String> applyAsSinks(List<ConsumerRecord<byte[], byte[]>> records, String column) {
        Map<Long, ChangeEvent> held = new java.util.HashMap<>();
        io.cdcflow.model.Position truncatedAt = null;
        for (ChangeEvent e : KafkaTestSupport.events(records)) {
            if (e.op() == Op.TRUNCATE) {
                io.cdcflow.model.Position at = e.position();
                if (truncatedAt == null || at.isNewerThan(truncatedAt)) {
                    truncatedAt = at;
                }
                held.values().removeIf(h -> !h.position().isNewerThan(at));
                continue;
            }
            if (truncatedAt != null && !e.position().isNewerThan(truncatedAt)) {
                continue;
            }
            long id = e.row().get("id").asLong();
            ChangeEvent current = held.get(id);
            if (current == null || e.position().isNewerThan(current.position())) {
                held.put(id, e);
            }
        }
        Map<Long, String> out = new java.util.HashMap<>();
        held.forEach((id, e) -> {
            if (e.op() != Op.DELETE) {
                out.put(id, e.after().get(column).asText());
            }
        });
        return out;
    }

    /** The change events of records. */
    public static List<ChangeEvent> events(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> ChangeEventSerde.readValue(r.value()).event()).toList();
    }

    /** The events of one key ({@code {"id":1}}), in position order. */
    public static List<ChangeEvent> eventsOf(List<ConsumerRecord<byte[], byte[]>> records, String key) {
        return records.stream().filter(r -> r.key() != null && new String(r.key()).equals(key))
                .map(r -> ChangeEventSerde.readValue(r.value()).event())
                .sorted(java.util.Comparator.comparing(ChangeEvent::position)).toList();
    }

    @Override
    public void close() {
        kafka.close();
    }
}
