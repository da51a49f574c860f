package io.cdcflow.e2e;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The longest time, per sink, that one of its partitions held changes its consumer group did not commit: while a
 * crashed instance's session runs out, during a rebalance or an outage, that partition's committed offset stands
 * still though changes wait. Sampled on a thread of its own from {@link #start} to {@link #stop}, every 250 ms.
 */
final class PartitionStalls {

    private static final long EVERY_MILLIS = 250;

    private final SinkBacklog backlog;
    private final List<String> groups;
    private final Map<String, Long> longestNanos = new LinkedHashMap<>();
    /** Per group and partition: the committed offset last seen and when it was last seen to move (or to be caught up). */
    private final Map<String, Map<TopicPartition, long[]>> seen = new HashMap<>();
    private volatile boolean running;
    private Thread thread;

    PartitionStalls(SinkBacklog backlog, List<String> groups) {
        this.backlog = backlog;
        this.groups = groups;
        groups.forEach(g -> longestNanos.put(g, 0L));
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().name("partition-stalls").daemon().start(this::sample);
    }

    /** Stops sampling; the longest stall per group, in seconds. */
    Map<String, Double> stop() throws InterruptedException {
        running = false;
        thread.join();
        Map<String, Double> out = new LinkedHashMap<>();
        longestNanos.forEach((g, n) -> out.put(g, n / 1e9));
        return out;
    }

    private void sample() {
        while (running) {
            try {
                Map<TopicPartition, Long> ends = backlog.ends();
                long now = System.nanoTime();
                for (String group : groups) {
                    Map<TopicPartition, Long> committed = backlog.committed(group);
                    Map<TopicPartition, long[]> last = seen.computeIfAbsent(group, g -> new HashMap<>());
                    ends.forEach((tp, end) -> {
                        long offset = committed.getOrDefault(tp, 0L);
                        long[] state = last.get(tp);
                        if (state == null || state[0] != offset || offset >= end) {
                            last.put(tp, new long[]{offset, now});
                        } else {
                            longestNanos.merge(group, now - state[1], Math::max);
                        }
                    });
                }
            } catch (RuntimeException e) {
                // Kafka itself is away (a fault of the scenario): the next sample measures on.
            }
            try {
                Thread.sleep(EVERY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
