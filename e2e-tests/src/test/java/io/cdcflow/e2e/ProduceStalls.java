package io.cdcflow.e2e;

import io.cdcflow.testkit.TestKafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The longest time, per producing service, that its topics did not grow although the source had committed changes
 * since they last grew: capture-service writes the raw inventory topics, router-service the validated ones. While a
 * Kafka broker is away, or the controller quorum, or no partition has {@code min.insync.replicas} replicas, the
 * producers wait and retry; this is how long. Sampled on a thread of its own from {@link #start} to {@link #stop},
 * every 250 ms (so a running producer shows about 0.25 s); a sample that Kafka does not answer sees no growth, and the
 * stall runs on until one that does.
 */
final class ProduceStalls {

    /** Each producing service and the prefix of the inventory topics it writes. */
    static final Map<String, String> PRODUCERS = Map.of("capture-service", "inventory.public.",
            "router-service", "validated.inventory.public.");

    private static final long EVERY_MILLIS = 250;

    private final TestKafka kafka;
    private final LongSupplier committed;
    private final Map<String, Long> longestNanos = new LinkedHashMap<>();
    /** Per producer: the topics' total end offset last seen to grow, when, and the source's count then. */
    private final Map<String, long[]> grown = new LinkedHashMap<>();
    private volatile boolean running;
    private Thread thread;

    /** {@code committed}: the changes the source has committed so far. */
    ProduceStalls(TestKafka kafka, LongSupplier committed) {
        this.kafka = kafka;
        this.committed = committed;
        PRODUCERS.keySet().forEach(p -> longestNanos.put(p, 0L));
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().name("produce-stalls").daemon().start(this::sample);
    }

    /** Stops sampling; the longest stall per producing service, in seconds. */
    Map<String, Double> stop() throws InterruptedException {
        running = false;
        thread.join();
        Map<String, Double> out = new LinkedHashMap<>();
        longestNanos.forEach((p, n) -> out.put(p, n / 1e9));
        return out;
    }

    private void sample() {
        while (running) {
            PRODUCERS.forEach((producer, prefix) -> {
                try {
                    long source = committed.getAsLong();
                    long end = 0;
                    for (StoreStates.Table t : StoreStates.TABLES) {
                        end += kafka.endOffsets(prefix + t.name()).values().stream().mapToLong(Long::longValue).sum();
                    }
                    long now = System.nanoTime();
                    long[] last = grown.get(producer);
                    if (last != null && source > last[2]) {
                        // Changes came since the topics last grew: they have waited this long, or did until now.
                        longestNanos.merge(producer, now - last[1], Math::max);
                    }
                    if (last == null || end > last[0]) {
                        grown.put(producer, new long[]{end, now, source});
                    }
                } catch (RuntimeException e) {
                    // Kafka did not answer this sample: the stall, if there is one, is measured by the next.
                }
            });
            try {
                Thread.sleep(EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
