package io.cdcflow.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates the targets of issue 15 (CPU per change and throughput) against a run's figures; a target without a
 * figure is reported as not measured.
 */
public final class Targets {

    /** The services whose CPU per change the drain target sums. */
    public static final List<String> SERVICES = List.of("capture-service", "router-service", "warehouse-sink",
            "cache-sink", "search-sink");

    private Targets() {
    }

    public static List<BenchResults.Target> evaluate(BenchResults r) {
        List<BenchResults.Target> out = new ArrayList<>();
        double ours = MarkdownReport.rateOf(r, "cdcflow-log");
        double dbz = MarkdownReport.rateOf(r, "debezium-connect");
        double recv = MarkdownReport.rateOf(r, "pg_recvlogical");
        if (r.drain() != null) {
            double cpu = r.drain().cpuMicrosPerChange(SERVICES);
            out.add(atMost("CPU per change in the services (drain: capture, router, three sinks)", "≤ 150 µs", cpu, 150,
                    " µs"));
        } else {
            out.add(missing("CPU per change in the services (drain: capture, router, three sinks)", "≤ 150 µs"));
        }
        out.add(ratio("capture vs Debezium on Connect", "≥ 2.0×", ours, dbz, 2.0));
        double tuned = MarkdownReport.rateOf(r, "debezium-connect-tuned");
        if (!Double.isNaN(tuned)) {
            // The same comparison with Connect's producer and poll interval set as capture-service's: the code's share.
            out.add(ratio("capture vs Debezium on Connect with capture's producer settings and poll interval", "≥ 2.0×",
                    ours, tuned, 2.0));
        }
        out.add(ratio("capture vs pg_recvlogical", "≥ 0.5×", ours, recv, 0.5));
        Optional<BenchResults.RateStep> at2000 = r.rates().stream().filter(s -> s.targetRate() == 2_000).findFirst();
        out.add(at2000.map(s -> atMost("commit-to-Kafka p99 at 2,000/s", "≤ 150 ms", s.commitToKafka().p99(), 150, " ms"))
                .orElse(missing("commit-to-Kafka p99 at 2,000/s", "≤ 150 ms")));
        if (at2000.isPresent() && !at2000.get().sinks().isEmpty()) {
            for (Map.Entry<String, BenchResults.SinkStep> e : at2000.get().sinks().entrySet()) {
                out.add(atMost("end-to-end p99 at 2,000/s, " + e.getKey(), "≤ 500 ms", e.getValue().p99Ms(), 500, " ms (bucket bound)"));
            }
        } else {
            out.add(missing("end-to-end p99 at 2,000/s", "≤ 500 ms"));
        }
        Optional<BenchResults.RateStep> saturation = r.rates().stream().filter(s -> s.targetRate() <= 0).findFirst();
        if (r.drain() != null && !r.drain().appliedPerSecond().isEmpty()) {
            out.add(atLeast("sustained to all three sinks", "≥ 6,000 changes/s", r.drain().slowestPerSecond(), 6_000,
                    String.format(Locale.ROOT, " changes/s (slowest sink, backlog of %,d)", r.drain().changes())));
        } else if (saturation.isPresent() && !saturation.get().sinks().isEmpty()) {
            double slowest = saturation.get().sinks().values().stream().mapToDouble(BenchResults.SinkStep::appliedPerSecond)
                    .map(v -> Double.isNaN(v) ? 0 : v).min().orElse(Double.NaN);
            out.add(atLeast("sustained to all three sinks", "≥ 6,000 changes/s", slowest, 6_000, " changes/s (slowest sink)"));
        } else {
            out.add(missing("sustained to all three sinks", "≥ 6,000 changes/s"));
        }
        Optional<BenchResults.Snapshot> snap = r.snapshots().stream().filter(s -> s.reader().equals("cdcflow-log")).findFirst();
        out.add(snap.map(s -> atLeast("snapshot rate (" + String.format(Locale.ROOT, "%,d", s.rows()) + " rows)", "≥ 50,000 rows/s",
                s.rowsPerSecond(), 50_000, " rows/s")).orElse(missing("snapshot rate", "≥ 50,000 rows/s")));
        if (at2000.isPresent() && !at2000.get().peakRssMib().isEmpty()) {
            Map.Entry<String, Double> worst = at2000.get().peakRssMib().entrySet().stream()
                    .filter(e -> !Double.isNaN(e.getValue())).max(Map.Entry.comparingByValue()).orElse(null);
            out.add(worst == null ? missing("RSS per service at 2,000/s", "≤ 256 MiB")
                    : atMost("RSS per service at 2,000/s", "≤ 256 MiB", worst.getValue(), 256, " MiB peak (" + worst.getKey() + ")"));
        } else {
            out.add(missing("RSS per service at 2,000/s", "≤ 256 MiB"));
        }
        out.addAll(wholePath(r.wholePath()));
        return out;
    }

    /**
     * cdcflow's whole path against Debezium's PostgreSQL and JDBC sink connectors, as shipped and, when measured,
     * with the tuned reference's settings (capture-service's producer settings and poll interval, the JDBC sink's
     * reduction buffer and UNNEST inserts): throughput over the same backlog.
     */
    static List<BenchResults.Target> wholePath(BenchResults.WholePath w) {
        String name = "whole path source → warehouse vs Debezium PostgreSQL + JDBC sink connectors";
        if (w == null) {
            return List.of(missing(name, "≥ 2.0×"));
        }
        BenchResults.PathRun ours = w.path("cdcflow");
        double rate = ours == null ? Double.NaN : ours.changesPerSecond();
        List<BenchResults.Target> out = new ArrayList<>();
        BenchResults.PathRun shipped = w.path("debezium-jdbc");
        out.add(shipped == null ? missing(name, "≥ 2.0×") : ratio(name, "≥ 2.0×", rate, shipped.changesPerSecond(), 2.0, " changes/s"));
        BenchResults.PathRun tuned = w.path("debezium-jdbc-tuned");
        if (tuned != null) {
            out.add(ratio(name + " with capture's producer settings and poll interval and the sink's batching options",
                    "≥ 2.0×", rate, tuned.changesPerSecond(), 2.0, " changes/s"));
        }
        return out;
    }

    private static BenchResults.Target ratio(String name, String goal, double value, double reference, double min) {
        return ratio(name, goal, value, reference, min, " events/s");
    }

    private static BenchResults.Target ratio(String name, String goal, double value, double reference, double min, String unit) {
        if (Double.isNaN(value) || Double.isNaN(reference) || reference <= 0) {
            return missing(name, goal);
        }
        double q = value / reference;
        return new BenchResults.Target(name, goal, String.format(Locale.ROOT, "%.2f× (%,.0f vs %,.0f%s)", q, value, reference,
                unit), q >= min);
    }

    private static BenchResults.Target atMost(String name, String goal, double value, double max, String unit) {
        return Double.isNaN(value) ? missing(name, goal)
                : new BenchResults.Target(name, goal, String.format(Locale.ROOT, "%,.0f%s", value, unit), value <= max);
    }

    private static BenchResults.Target atLeast(String name, String goal, double value, double min, String unit) {
        return Double.isNaN(value) ? missing(name, goal)
                : new BenchResults.Target(name, goal, String.format(Locale.ROOT, "%,.0f%s", value, unit), value >= min);
    }

    private static BenchResults.Target missing(String name, String goal) {
        return new BenchResults.Target(name, goal, "not measured", null);
    }
}
