package io.cdcflow.bench.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * The latencies of a probe row that the bench updates at a steady interval, each update numbered (its
 * {@code seq}): an update's latency is the first moment a copy was seen holding its seq or a later one (an upsert
 * copy keeps only the newest version, so a later seq means this change is applied too) minus the moment its
 * commit returned. Thread-safe: the writer and the poller of the copy call it from their own threads.
 */
public final class ProbeLatencies {

    private final List<long[]> commits = new ArrayList<>();
    private final LongSamples latencies = new LongSamples();
    private final LongSamples committedAt = new LongSamples();
    private long firstSeq = -1;
    private int nextUnseen;

    /** The writer is about to commit {@code seq} (ascending, no gaps); {@code atMs} stands in until it has committed. */
    public synchronized void committing(long seq, long atMs) {
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        if (seq != firstSeq + commits.size()) {
            throw new IllegalArgumentException("probe seq " + seq + " out of order (expected " + (firstSeq + commits.size()) + ")");
        }
        commits.add(new long[] {seq, atMs});
    }

    /** The commit of {@code seq} returned at {@code atMs}. */
    public synchronized void committed(long seq, long atMs) {
        int i = (int) (seq - firstSeq);
        if (firstSeq >= 0 && i >= 0 && i < commits.size()) {
            commits.get(i)[1] = atMs;
        }
    }

    /** The copy was seen holding {@code seq} at {@code atMs}: every earlier update not seen yet gets its latency. */
    public synchronized void seen(long seq, long atMs) {
        while (nextUnseen < commits.size() && commits.get(nextUnseen)[0] <= seq) {
            long commitMs = commits.get(nextUnseen)[1];
            latencies.add(Math.max(0, atMs - commitMs));
            committedAt.add(commitMs);
            nextUnseen++;
        }
    }

    /** Updates a copy was seen holding so far. */
    public synchronized int seenCount() {
        return nextUnseen;
    }

    /** Updates committed so far that no copy was seen holding yet. */
    public synchronized int unseen() {
        return commits.size() - nextUnseen;
    }

    /** The highest seq committed so far, -1 before the first. */
    public synchronized long lastCommitted() {
        return commits.isEmpty() ? -1 : commits.get(commits.size() - 1)[0];
    }

    /** The latencies of the updates committed from {@code fromMs} to {@code toMs} (inclusive) that were seen. */
    public synchronized LatencySummary summary(long fromMs, long toMs) {
        long[] at = committedAt.toArray();
        long[] lat = latencies.toArray();
        LongSamples in = new LongSamples();
        for (int i = 0; i < at.length; i++) {
            if (at[i] >= fromMs && at[i] <= toMs) {
                in.add(lat[i]);
            }
        }
        return LatencySummary.of(in.toArray());
    }

    /** How many updates committed from {@code fromMs} to {@code toMs} were never seen. */
    public synchronized int unseenBetween(long fromMs, long toMs) {
        int n = 0;
        for (int i = nextUnseen; i < commits.size(); i++) {
            long at = commits.get(i)[1];
            if (at >= fromMs && at <= toMs) {
                n++;
            }
        }
        return n;
    }
}
