package io.cdcflow.bench.stats;

import java.util.Arrays;

/** Percentiles of a set of latency samples in milliseconds (nearest-rank), with how many samples they cover. */
public record LatencySummary(long count, double p50, double p95, double p99, double max) {

    /** The summary of no sample at all: every figure is NaN. */
    public static final LatencySummary EMPTY = new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Nearest-rank percentiles of the given samples (the array is sorted in place). */
    public static LatencySummary of(long[] samplesMs) {
        if (samplesMs.length == 0) {
            return EMPTY;
        }
        Arrays.sort(samplesMs);
        return new LatencySummary(samplesMs.length, rank(samplesMs, 0.50), rank(samplesMs, 0.95), rank(samplesMs, 0.99),
                samplesMs[samplesMs.length - 1]);
    }

    private static double rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
