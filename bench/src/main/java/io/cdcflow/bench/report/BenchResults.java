package io.cdcflow.bench.report;

import java.util.List;
import java.util.Map;

import io.cdcflow.bench.stats.LatencySummary;

/** Everything one bench run measured, as written to {@code bench/results/<timestamp>.json}. */
public record BenchResults(String startedAt, String command, Machine machine, List<Throughput> capture, List<String> notes,
                           List<RateStep> rates, List<Snapshot> snapshots, Map<String, Double> peakRssMib,
                           List<Target> targets) {

    /** The machine and its load while the bench ran. */
    public record Machine(int cores, long memoryMib, String loadAverageBefore, String loadAverageAfter, String jdk,
                          String os, String serviceJavaOpts) {
    }

    /**
     * One reader's pass over the same backlog: events delivered, first-to-last delivery rate, start-up time
     * (process start to first event) and its peak RSS.
     */
    public record Throughput(String reader, long backlog, long events, double eventsPerSecond, long startupMs,
                             double peakRssMib, String how) {
    }

    /** A snapshot of a fresh table by one reader: rows delivered and rows per second. */
    public record Snapshot(String reader, long rows, long events, double rowsPerSecond, long startupMs) {
    }

    /**
     * One fixed-rate (or saturation, target 0) step: what was committed, commit-to-Kafka latency (record timestamp
     * and probe receive time), end-to-end latency and throughput per sink, and each service's RSS after the step.
     */
    public record RateStep(double targetRate, double committedRate, long committed, LatencySummary commitToKafka,
                           LatencySummary commitToProbe, String kafkaTimestampType, Map<String, SinkStep> sinks,
                           Map<String, Double> rssMib, Map<String, Double> peakRssMib) {
    }

    /**
     * A sink over one step: changes recorded in its lag histogram, percentiles read as histogram bucket upper
     * bounds (ms), the decaying max, and its applied throughput (changes per second from the step's start until
     * it had applied them all; NaN when not measured).
     */
    public record SinkStep(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double appliedPerSecond,
                           long applied) {
    }

    /** One of the targets, the figure measured for it and whether it was met. */
    public record Target(String name, String target, String measured, Boolean met) {
    }
}
