package io.cdcflow.e2e;

import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The longest time, per producing service, that nothing new reached its topics although changes were waiting for it:
 * capture-service writes the raw inventory topics (waiting: changes the source committed since its last record),
 * router-service the validated ones (waiting: raw records that arrived since its last record). While a Kafka node is
 * away, the controller quorum, or the in-sync replicas a write needs ({@code min.insync.replicas}), the producers
 * wait and retry; this is how long (a killed or restarting service stalls its topics too, and counts the same). A consumer of its own reads the new records of those topics from {@link #start}
 * to {@link #stop}, polling every 250 ms: a record is seen as soon as the producer's write is committed, and a
 * partition whose leader is away does not hold back the others.
 */
final class ProduceStalls {

    private static final String RAW = "inventory.public.";
    private static final String VALIDATED = "validated.inventory.public.";

    private final TestKafka kafka;
    private final LongSupplier committed;
    /** Per producer: the longest stall seen, the time of its last record, and the upstream count then. */
    private final Map<String, long[]> producers = new LinkedHashMap<>();
    private long rawRecords;
    private volatile boolean running;
    private Thread thread;

    /** {@code committed}: the changes the source has committed so far. */
    ProduceStalls(TestKafka kafka, LongSupplier committed) {
        this.kafka = kafka;
        this.committed = committed;
    }

    void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (StoreStates.Table t : StoreStates.TABLES) {
            partitions.addAll(kafka.endOffsets(RAW + t.name()).keySet());
            partitions.addAll(kafka.endOffsets(VALIDATED + t.name()).keySet());
        }
        KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(Map.of(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // from the end as it is now, not as it is at the first poll
        long now = System.nanoTime();
        producers.put("capture-service", new long[]{0, now, committed.getAsLong()});
        producers.put("router-service", new long[]{0, now, 0});
        running = true;
        thread = Thread.ofPlatform().name("produce-stalls").daemon().start(() -> sample(consumer));
    }

    /** Stops sampling; the longest stall per producing service, in seconds. */
    Map<String, Double> stop() throws InterruptedException {
        running = false;
        thread.join();
        Map<String, Double> out = new LinkedHashMap<>();
        producers.forEach((p, s) -> out.put(p, s[0] / 1e9));
        return out;
    }

    private void sample(KafkaConsumer<byte[], byte[]> consumer) {
        try (consumer) {
            while (running) {
                boolean raw = false;
                boolean validated = false;
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                        if (r.topic().startsWith(VALIDATED)) {
                            validated = true;
                        } else {
                            raw = true;
                            rawRecords++;
                        }
                    }
                } catch (RuntimeException e) {
                    // Kafka did not answer this poll: what waits goes on waiting, and the next poll measures on.
                }
                long now = System.nanoTime();
                account(producers.get("capture-service"), raw, committed.getAsLong(), now);
                account(producers.get("router-service"), validated, rawRecords, now);
            }
        }
    }

    /** state: longest stall, last record's time, upstream count then; a stall runs while upstream grew since. */
    private static void account(long[] state, boolean produced, long upstream, long now) {
        if (upstream > state[2]) {
            state[0] = Math.max(state[0], now - state[1]);
        }
        if (produced) {
            state[1] = now;
            state[2] = upstream;
        }
    }
}
