package io.cdcflow.bench.report;

import java.util.Locale;
import java.util.Map;

import io.cdcflow.bench.stats.LatencySummary;

/** Renders {@link BenchResults} as the Markdown of {@code bench/results/latest.md}. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(BenchResults r) {
        StringBuilder md = new StringBuilder();
        md.append("# cdcflow benchmark results\n\n");
        md.append("Run ").append(r.startedAt()).append(" with `").append(r.command()).append("`.\n\n");
        BenchResults.Machine m = r.machine();
        md.append(String.format(Locale.ROOT, "Machine: %d cores, %,d MiB memory, %s; %s. Service JVM options: `%s`.%n",
                m.cores(), m.memoryMib(), m.os(), m.jdk(), m.serviceJavaOpts()));
        md.append("Load average (1/5/15 min) before: ").append(m.loadAverageBefore()).append("; after: ")
                .append(m.loadAverageAfter()).append(". A load above the core count means other work shared the CPUs:"
                        + " treat the absolute figures as noisy; the ratios, measured in the same run, less so.\n\n");

        if (!r.targets().isEmpty()) {
            md.append("## Targets (issue 15)\n\n");
            targetsTable(md, r);
        }
        if (!r.capture().isEmpty()) {
            md.append("## Capture throughput (same backlog, each reader on its own slot)\n\n");
            captureTable(md, r);
            for (BenchResults.Throughput t : r.capture()) {
                md.append("- ").append(t.reader()).append(": ").append(t.how()).append('\n');
            }
            md.append('\n');
        }
        if (!r.rates().isEmpty()) {
            md.append("## Commit-to-Kafka latency (capture alone), ms\n\n");
            md.append("| target rate | committed rate | changes | p50 | p95 | p99 | max | p99 (probe receive) |\n");
            md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (BenchResults.RateStep s : r.rates()) {
                LatencySummary c = s.commitToKafka();
                md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %s |%n", rate(s.targetRate()),
                        num(s.committedRate()), c.count(), num(c.p50()), num(c.p95()), num(c.p99()), num(c.max()),
                        num(s.commitToProbe().p99())));
            }
            md.append("\nKafka timestamp type of the measured topics: ").append(r.rates().get(0).kafkaTimestampType())
                    .append(".\n\n## End to end (source commit to applied), per sink, ms\n\n");
            md.append("| target rate | sink | changes | p50 ≤ | p95 ≤ | p99 ≤ | max ≤ | applied/s |\n");
            md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (BenchResults.RateStep s : r.rates()) {
                for (Map.Entry<String, BenchResults.SinkStep> e : s.sinks().entrySet()) {
                    BenchResults.SinkStep k = e.getValue();
                    md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %s |%n", rate(s.targetRate()),
                            e.getKey(), k.count(), num(k.p50Ms()), num(k.p95Ms()), num(k.p99Ms()), num(k.maxMs()),
                            num(k.appliedPerSecond())));
                }
            }
            md.append('\n');
            md.append("## RSS per service after each step, MiB (current / peak)\n\n| target rate |");
            var services = r.rates().get(0).rssMib().keySet();
            services.forEach(s -> md.append(' ').append(s).append(" |"));
            md.append("\n| ---: |");
            services.forEach(s -> md.append(" ---: |"));
            md.append('\n');
            for (BenchResults.RateStep s : r.rates()) {
                md.append("| ").append(rate(s.targetRate())).append(" |");
                for (String svc : services) {
                    md.append(' ').append(mib(s.rssMib().getOrDefault(svc, Double.NaN))).append(" / ")
                            .append(mib(s.peakRssMib().getOrDefault(svc, Double.NaN))).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
        if (!r.rates().isEmpty() && !r.rates().get(0).cpuCores().isEmpty()) {
            cpuTable(md, r);
        }
        if (r.drain() != null) {
            md.append("## A backlog through the whole pipeline\n\n");
            drainTables(md, r.drain());
        }
        if (r.wholePath() != null) {
            md.append("## Whole path source → warehouse (same backlog, each path on its own slot)\n\n");
            wholePathTables(md, r.wholePath());
            md.append("- method: ").append(r.wholePath().how()).append('\n');
            for (BenchResults.PathRun p : r.wholePath().paths()) {
                md.append("- ").append(p.path()).append(": ").append(p.how()).append('\n');
            }
            md.append('\n');
        }
        if (!r.snapshots().isEmpty()) {
            md.append("## Snapshot of a fresh table\n\n| reader | rows | events | rows/s | start-up |\n| --- | ---: | ---: | ---: | ---: |\n");
            for (BenchResults.Snapshot s : r.snapshots()) {
                md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %.1f s |%n", s.reader(), s.rows(), s.events(),
                        num(s.rowsPerSecond()), s.startupMs() / 1000.0));
            }
            md.append('\n');
        }
        if (!r.notes().isEmpty()) {
            md.append("## Notes\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    /** The targets: goal, figure measured, met. */
    static void targetsTable(StringBuilder md, BenchResults r) {
        md.append("| target | goal | measured | met |\n| --- | --- | --- | --- |\n");
        for (BenchResults.Target t : r.targets()) {
            md.append("| ").append(t.name()).append(" | ").append(t.target()).append(" | ").append(t.measured())
                    .append(" | ").append(t.met() == null ? "n/a" : t.met() ? "yes" : "**no**").append(" |\n");
        }
        md.append('\n');
    }

    /** Each reader's pass over the capture backlog, with its ratios to the references and its peak RSS. */
    static void captureTable(StringBuilder md, BenchResults r) {
        md.append("| reader | backlog | events | events/s | vs Debezium on Connect | vs pg_recvlogical | start-up | peak RSS |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        double dbz = rateOf(r, "debezium-connect");
        double recv = rateOf(r, "pg_recvlogical");
        for (BenchResults.Throughput t : r.capture()) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s | %s | %s |%n", t.reader(), t.backlog(),
                    t.events(), num(t.eventsPerSecond()), ratio(t.eventsPerSecond(), dbz), ratio(t.eventsPerSecond(), recv),
                    t.startupMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", t.startupMs() / 1000.0), mib(t.peakRssMib())));
        }
        md.append('\n');
    }

    /** The drain: each sink's sustained rate, and the CPU each process tree spent per change. */
    static void drainTables(StringBuilder md, BenchResults.Drain d) {
        md.append(String.format(Locale.ROOT, "%,d changes written while capture-service was stopped, then worked off: "
                + "%.1f s from its start until the last sink was done.%n%n| sink | applied/s (first to last change) |%n"
                + "| --- | ---: |%n", d.changes(), d.ms() / 1000.0));
        d.appliedPerSecond().forEach((sink, rate) -> md.append("| ").append(sink).append(" | ").append(num(rate)).append(" |\n"));
        md.append("\n| process | cores busy | µs of CPU per change |\n| --- | ---: | ---: |\n");
        double total = 0;
        for (Map.Entry<String, Double> e : d.cpuCores().entrySet()) {
            total += e.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", e.getKey(), e.getValue(),
                    num(e.getValue() * d.ms() * 1000.0 / d.changes())));
        }
        md.append(String.format(Locale.ROOT, "| **all of them** | %.2f | %s |%n%n", total, num(total * d.ms() * 1000.0 / d.changes())));
    }

    /**
     * The whole path: each path's time and rate over the backlog with its ratio to cdcflow, the CPU per change of
     * every process tree (the paths' own processes summed, the shared servers listed), and end-to-end latency at the
     * fixed rate.
     */
    static void wholePathTables(StringBuilder md, BenchResults.WholePath w) {
        BenchResults.PathRun ours = w.paths().stream().filter(p -> p.path().equals("cdcflow")).findFirst().orElse(null);
        double ourRate = ours == null ? Double.NaN : ours.changesPerSecond();
        md.append("| path | backlog | start to warehouse | changes/s | cdcflow vs this | first change after | changes/s after"
                + " the first | µs of CPU per change (path) | peak RSS of the process started |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (BenchResults.PathRun p : w.paths()) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %s | %s |%n", p.path(), p.changes(),
                    p.complete() ? String.format(Locale.ROOT, "%.1f s", p.ms() / 1000.0) : "incomplete",
                    num(p.changesPerSecond()), ratio(ourRate, p.changesPerSecond()),
                    p.firstChangeMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", p.firstChangeMs() / 1000.0),
                    num(p.afterFirstPerSecond()), num(p.pathCpuMicrosPerChange()), mib(p.peakRssMib())));
        }
        md.append("\nµs of CPU per change of the backlog, per process tree, while each path worked it off (- : not part"
                + " of that path):\n\n| process |");
        w.paths().forEach(p -> md.append(' ').append(p.path()).append(" |"));
        md.append("\n| --- |");
        w.paths().forEach(p -> md.append(" ---: |"));
        md.append('\n');
        java.util.Set<String> processes = new java.util.LinkedHashSet<>();
        w.paths().forEach(p -> processes.addAll(p.pathProcesses()));
        java.util.Set<String> shared = new java.util.LinkedHashSet<>();
        w.paths().forEach(p -> p.cpuCores().keySet().stream().filter(k -> !processes.contains(k)).forEach(shared::add));
        for (String process : processes) {
            md.append("| ").append(process).append(" |");
            w.paths().forEach(p -> md.append(' ').append(p.pathProcesses().contains(process)
                    ? num(p.cpuMicrosPerChange(process)) : "-").append(" |"));
            md.append('\n');
        }
        md.append("| **the path's own processes** |");
        w.paths().forEach(p -> md.append(" **").append(num(p.pathCpuMicrosPerChange())).append("** |"));
        md.append('\n');
        for (String process : shared) {
            md.append("| ").append(process).append(" (shared) |");
            w.paths().forEach(p -> md.append(' ').append(num(p.cpuMicrosPerChange(process))).append(" |"));
            md.append('\n');
        }
        if (w.paths().stream().anyMatch(p -> p.endToEnd() != null)) {
            md.append(String.format(Locale.ROOT, "%nEnd to end (source commit to the warehouse copy) at %,.0f changes/s, by the"
                    + " probe, ms:%n%n| path | committed/s | probes | p50 | p95 | p99 | max | never seen |%n"
                    + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%n", w.probeRate()));
            for (BenchResults.PathRun p : w.paths()) {
                LatencySummary l = p.endToEnd();
                if (l != null) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %,d |%n", p.path(),
                            num(p.committedRate()), l.count(), num(l.p50()), num(l.p95()), num(l.p99()), num(l.max()),
                            p.probesUnseen()));
                }
            }
        }
        md.append('\n');
    }

    /** Where the cores went in each step: cores a process tree kept busy, and its CPU microseconds per change. */
    private static void cpuTable(StringBuilder md, BenchResults r) {
        md.append("## CPU per process over each step: cores busy / µs of CPU per committed change\n\n| process |");
        r.rates().forEach(s -> md.append(' ').append(rate(s.targetRate())).append(" |"));
        md.append("\n| --- |");
        r.rates().forEach(s -> md.append(" ---: |"));
        md.append('\n');
        for (String process : r.rates().get(0).cpuCores().keySet()) {
            md.append("| ").append(process).append(" |");
            for (BenchResults.RateStep s : r.rates()) {
                md.append(String.format(Locale.ROOT, " %.2f / %s |", s.cpuCores().getOrDefault(process, Double.NaN),
                        num(s.cpuMicrosPerChange(process))));
            }
            md.append('\n');
        }
        md.append("| **all of them** |");
        for (BenchResults.RateStep s : r.rates()) {
            double cores = s.cpuCores().values().stream().mapToDouble(Double::doubleValue).sum();
            md.append(String.format(Locale.ROOT, " %.2f / %s |", cores,
                    num(s.committed() <= 0 ? Double.NaN : cores * s.stepMs() * 1000.0 / s.committed())));
        }
        md.append("\n\nA step lasts from the first commit until every sink applied its changes, plus one second.\n\n");
    }

    static double rateOf(BenchResults r, String reader) {
        return r.capture().stream().filter(t -> t.reader().equals(reader)).mapToDouble(BenchResults.Throughput::eventsPerSecond)
                .findFirst().orElse(Double.NaN);
    }

    static String ratio(double value, double reference) {
        if (Double.isNaN(value) || Double.isNaN(reference) || reference <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f×", value / reference);
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return "∞";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String mib(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f MiB", v);
    }

    static String rate(double target) {
        return target <= 0 ? "saturation" : String.format(Locale.ROOT, "%,.0f/s", target);
    }
}
