package io.cdcflow.bench.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.cdcflow.bench.stats.LatencySummary;
import io.cdcflow.bench.stats.LongSamples;

/**
 * Follows change topics from their current end on a thread of its own and, for every change committed inside a
 * measuring window, records the record timestamp minus the envelope's {@code source.ts_ms} (the commit time) and
 * the probe's receive time minus the same. Only records whose commit time falls in the window count.
 */
public final class CommitLatencyProbe implements AutoCloseable {

    private static final byte[] SOURCE = "\"source\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TS_MS = "\"ts_ms\":".getBytes(StandardCharsets.US_ASCII);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long windowStartMs = Long.MAX_VALUE;
    private volatile long windowEndMs = Long.MAX_VALUE;
    private LongSamples toRecordTs = new LongSamples();
    private LongSamples toReceive = new LongSamples();
    private volatile String timestampType = "";
    private volatile RuntimeException failure;

    public CommitLatencyProbe(KafkaTopics topics, Collection<String> names) {
        this.consumer = topics.consumer();
        List<TopicPartition> parts = KafkaTopics.partitions(consumer, names);
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position);
        this.thread = Thread.ofPlatform().name("bench-latency-probe").start(this::loop);
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (r.value() == null) {
                        continue;
                    }
                    long commit = sourceTsMs(r.value());
                    synchronized (this) {
                        if (commit >= windowStartMs && commit <= windowEndMs) {
                            toRecordTs.add(r.timestamp() - commit);
                            toReceive.add(now - commit);
                            timestampType = r.timestampType().toString();
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Starts a window: changes committed from now on count, until {@link #endWindow}. */
    public synchronized void startWindow() {
        toRecordTs = new LongSamples();
        toReceive = new LongSamples();
        windowEndMs = Long.MAX_VALUE;
        windowStartMs = System.currentTimeMillis();
    }

    /** Changes committed after now no longer count (those committed before still do when they arrive). */
    public void endWindow() {
        windowEndMs = System.currentTimeMillis();
    }

    /** Latencies of the window so far: [record timestamp - commit, receive - commit]. */
    public synchronized LatencySummary[] summaries() {
        if (failure != null) {
            throw failure;
        }
        return new LatencySummary[] {LatencySummary.of(toRecordTs.toArray()), LatencySummary.of(toReceive.toArray())};
    }

    public synchronized long samples() {
        return toRecordTs.size();
    }

    public String timestampType() {
        return timestampType;
    }

    /** The commit time in an envelope (bare or wrapped with its Connect schema); -1 when absent. */
    static long sourceTsMs(byte[] value) {
        int source = indexOf(value, SOURCE, 0);
        if (source < 0) {
            return -1;
        }
        int ts = indexOf(value, TS_MS, source);
        if (ts < 0) {
            return -1;
        }
        long v = 0;
        int i = ts + TS_MS.length;
        boolean any = false;
        while (i < value.length && value[i] >= '0' && value[i] <= '9') {
            v = v * 10 + (value[i++] - '0');
            any = true;
        }
        return any ? v : -1;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
        consumer.close(Duration.ofSeconds(2));
    }
}
