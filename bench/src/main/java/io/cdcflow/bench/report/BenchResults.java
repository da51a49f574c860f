package io.cdcflow.bench.report;

import java.util.List;
import java.util.Map;

import io.cdcflow.bench.stats.LatencySummary;

/** Everything one bench run measured, as written to {@code bench/results/<timestamp>.json}. */
public record BenchResults(String startedAt, String command, Machine machine, List<Throughput> capture, List<String> notes,
                           List<RateStep> rates, Drain drain, List<Snapshot> snapshots, Map<String, Double> peakRssMib,
                           WholePath wholePath, List<Target> targets) {

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
     * and probe receive time), end-to-end latency and throughput per sink, each service's RSS after the step, and the
     * cores each process tree (services, servers, the bench itself) kept busy over the step's {@code stepMs}.
     */
    public record RateStep(double targetRate, double committedRate, long committed, LatencySummary commitToKafka,
                           LatencySummary commitToProbe, String kafkaTimestampType, Map<String, SinkStep> sinks,
                           Map<String, Double> rssMib, Map<String, Double> peakRssMib, Map<String, Double> cpuCores,
                           long stepMs) {

        /** CPU microseconds a process tree spent per committed change during the step. */
        public double cpuMicrosPerChange(String process) {
            return committed <= 0 ? Double.NaN : cpuCores.getOrDefault(process, Double.NaN) * stepMs * 1000.0 / committed;
        }
    }

    /**
     * A sink over one step: changes recorded in its lag histogram, percentiles and the max read as histogram bucket
     * upper bounds (ms), and its applied throughput (changes per second from the step's start until it had applied
     * them all; NaN when not measured).
     */
    public record SinkStep(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double appliedPerSecond,
                           long applied) {
    }

    /**
     * A backlog of {@code changes} written while capture-service was stopped, then worked off by the whole pipeline:
     * each sink's rate from its first to its last applied change of the backlog, and the cores each process tree
     * kept busy over the {@code ms} from capture's start until the last sink was done. Null when not run.
     */
    public record Drain(long changes, Map<String, Double> appliedPerSecond, Map<String, Double> cpuCores, long ms) {

        /** Microseconds of CPU per change the named processes spent together over the drain; NaN when one is missing. */
        public double cpuMicrosPerChange(java.util.Collection<String> processes) {
            double cores = 0;
            for (String p : processes) {
                cores += cpuCores.getOrDefault(p, Double.NaN);
            }
            return changes <= 0 ? Double.NaN : cores * ms * 1000.0 / changes;
        }

        /** The slowest sink's rate, the pipeline's sustained throughput to all of them. */
        public double slowestPerSecond() {
            return appliedPerSecond.values().stream().mapToDouble(v -> Double.isNaN(v) ? 0 : v).min().orElse(Double.NaN);
        }
    }

    /**
     * The whole path source → warehouse, cdcflow against Debezium's PostgreSQL and JDBC sink connectors on one
     * Connect worker: each path over the same backlog of {@code backlog} changes, and at a fixed rate of
     * {@code probeRate} changes/s with the probe; {@code how} says how both were measured. Null when not run.
     */
    public record WholePath(long backlog, double probeRate, List<PathRun> paths, String how) {

        /** The run of the named path, or null. */
        public PathRun path(String name) {
            return paths.stream().filter(p -> p.path().equals(name)).findFirst().orElse(null);
        }
    }

    /**
     * One path: {@code ms} from its start until its warehouse copy held the whole backlog ({@code complete} false
     * when it did not within the time limit), {@code firstChangeMs} from its start until the copy held the
     * backlog's first change, the cores each process tree kept busy over those {@code ms} (the path's own processes
     * named in {@code pathProcesses}, the shared servers beside them), the peak RSS of the process the path
     * started, and, when it ran the fixed-rate step, the probe's end-to-end latencies at {@code committedRate}
     * changes/s with {@code probesUnseen} probes its copy never showed.
     */
    public record PathRun(String path, long changes, boolean complete, long ms, long firstChangeMs,
                          Map<String, Double> cpuCores, List<String> pathProcesses, double peakRssMib,
                          LatencySummary endToEnd, double committedRate, int probesUnseen, String how) {

        /** Changes per second from the path's start until its copy held the whole backlog; NaN when incomplete. */
        public double changesPerSecond() {
            return complete && ms > 0 ? changes * 1000.0 / ms : Double.NaN;
        }

        /** Changes per second from the backlog's first change in the copy until its last; NaN when incomplete. */
        public double afterFirstPerSecond() {
            return complete && firstChangeMs >= 0 && ms > firstChangeMs ? changes * 1000.0 / (ms - firstChangeMs) : Double.NaN;
        }

        /** Microseconds of CPU the named process tree spent per change of the backlog; NaN when not measured. */
        public double cpuMicrosPerChange(String process) {
            return changes <= 0 ? Double.NaN : cpuCores.getOrDefault(process, Double.NaN) * ms * 1000.0 / changes;
        }

        /** Microseconds of CPU per change of the path's own processes together. */
        public double pathCpuMicrosPerChange() {
            double sum = 0;
            for (String p : pathProcesses) {
                sum += cpuMicrosPerChange(p);
            }
            return sum;
        }
    }

    /** One of the targets, the figure measured for it and whether it was met. */
    public record Target(String name, String target, String measured, Boolean met) {
    }
}
