package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;
import static io.cdcflow.bench.RunningServices.SERVICES;
import static io.cdcflow.bench.SinkProgress.SINKS;
import static io.cdcflow.bench.SinkProgress.applied;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.cdcflow.bench.kafka.CommitLatencyProbe;
import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.ProcessCpu;
import io.cdcflow.bench.reader.Rss;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.stats.LatencySummary;
import io.cdcflow.bench.stats.PromHistogram;
import io.cdcflow.bench.workload.WorkloadGenerator;
import io.cdcflow.bench.workload.WorkloadResult;
import io.cdcflow.bench.workload.WorkloadSpec;

/**
 * The latency part: commit-to-Kafka and end-to-end latency, CPU and RSS of the running services at fixed rates and at
 * saturation, then the drain step; starts the services when they are not running, and stops them again at the end.
 */
final class LatencyPart {

    /** The rate steps, the drain step, in the order run. */
    record Result(List<BenchResults.RateStep> steps, BenchResults.Drain drain) {
    }

    private final BenchEnv env;
    private final BenchOptions options;
    private final KafkaTopics kafka;
    private final List<String> notes;
    private final RunningServices services;
    private final SinkProgress sinkProgress;
    private final DrainPart drainPart;

    LatencyPart(BenchEnv env, BenchOptions options, KafkaTopics kafka, List<String> notes, RunningServices services,
                SinkProgress sinkProgress) {
        this.env = env;
        this.options = options;
        this.kafka = kafka;
        this.notes = notes;
        this.services = services;
        this.sinkProgress = sinkProgress;
        this.drainPart = new DrainPart(options, notes, services, sinkProgress);
    }

    /** Runs the steps; puts each service's peak RSS into {@code peakRss}. */
    Result run(Map<String, Double> peakRss) throws Exception {
        BenchResults.Drain drain;
        List<String> topics = List.of("inventory.public.products", "inventory.public.customers");
        Map<String, String> types = kafka.ensureLogAppendTime(topics, 3);
        if (types.values().stream().anyMatch(t -> !t.equals("LogAppendTime"))) {
            notes.add("The demo's raw topics existed before the bench with timestamp types " + types + ": commit-to-Kafka"
                    + " latency uses the producer's CreateTime there (capture's send time, before the broker acknowledged).");
        }
        boolean startedServices = services.servicesUp();
        List<BenchResults.RateStep> steps = new ArrayList<>();
        Duration step = Duration.ofSeconds(options.quick() ? 15 : 30);
        List<Double> targets = options.quick() ? List.of(500.0, 2_000.0, 0.0) : List.of(500.0, 2_000.0, 5_000.0, 0.0);
        try (Connection c = env.connect(); CommitLatencyProbe probe = new CommitLatencyProbe(kafka, topics)) {
            WorkloadGenerator generator = new WorkloadGenerator(c);
            // Whatever the services' slot still holds (an earlier run's capture part writes its backlogs while they
            // are down) is worked off first; services this run started then start afresh, so that the steps see
            // the memory of a service running at their rate, not of one that just worked off a backlog.
            sinkProgress.awaitSinksIdle(Duration.ofSeconds(options.quick() ? 120 : 300));
            if (startedServices) {
                services.runScript("bin/services", "down");
                services.runScript("bin/services", "up");
            }
            // Warm-up: the services' first changes pay class loading (and, on a new stack, schema registration).
            generator.run(WorkloadSpec.mixed(500, Duration.ofSeconds(5), 0));
            sinkProgress.awaitSinksIdle(Duration.ofSeconds(60));
            for (double target : targets) {
                Duration length = target <= 0 ? Duration.ofSeconds(options.quick() ? 20 : 60) : step;
                log("latency: %s for %d s", target <= 0 ? "saturation" : String.format(Locale.ROOT, "%.0f changes/s", target),
                        length.toSeconds());
                Map<String, String> before = sinkProgress.scrapeSinks();
                Map<String, Long> appliedBefore = applied(before);
                Map<String, Long> processes = services.processTrees();
                Map<String, Duration> cpuBefore = ProcessCpu.read(processes);
                long stepStart = System.currentTimeMillis();
                probe.startWindow();
                WorkloadResult w = generator.run(WorkloadSpec.mixed(target, length, 0));
                probe.endWindow();
                Map<String, Long> drainedAt = sinkProgress.awaitApplied(appliedBefore, w.changes(), w.startMs(),
                        Duration.ofSeconds(180));
                Thread.sleep(1000);
                long stepMs = System.currentTimeMillis() - stepStart;
                Map<String, Double> cores = ProcessCpu.coresBetween(cpuBefore, ProcessCpu.read(processes), stepMs);
                Map<String, String> after = sinkProgress.scrapeSinks();
                Map<String, Long> appliedAfter = applied(after);
                LatencySummary[] capture = probe.summaries();
                Map<String, BenchResults.SinkStep> sinks = new LinkedHashMap<>();
                for (String sink : SINKS) {
                    if (!before.containsKey(sink) || !after.containsKey(sink)) {
                        continue;
                    }
                    PromHistogram window = PromHistogram.parse(after.get(sink), "cdc_sink_lag_seconds", "")
                            .minus(PromHistogram.parse(before.get(sink), "cdc_sink_lag_seconds", ""));
                    long applied = appliedAfter.getOrDefault(sink, 0L) - appliedBefore.getOrDefault(sink, 0L);
                    Long doneAt = drainedAt.get(sink);
                    double perSecond = doneAt == null ? Double.NaN : applied * 1000.0 / Math.max(1, doneAt - w.startMs());
                    sinks.put(sink, new BenchResults.SinkStep((long) window.count(), window.quantileUpperBound(0.50) * 1000,
                            window.quantileUpperBound(0.95) * 1000, window.quantileUpperBound(0.99) * 1000,
                            window.quantileUpperBound(1.0) * 1000, perSecond, applied));
                }
                Map<String, Double> rss = new TreeMap<>();
                Map<String, Double> hwm = new TreeMap<>();
                for (String svc : SERVICES) {
                    long pid = services.servicePid(svc);
                    rss.put(svc, pid > 0 ? Rss.currentMib(pid) : Double.NaN);
                    hwm.put(svc, pid > 0 ? Rss.peakMib(pid) : Double.NaN);
                }
                BenchResults.RateStep s = new BenchResults.RateStep(target, w.ratePerSecond(), w.changes(), capture[0], capture[1],
                        probe.timestampType(), sinks, rss, hwm, cores, stepMs);
                log("latency: committed %,d at %.0f/s; commit->Kafka p50 %.0f p99 %.0f max %.0f ms (%d samples); sinks %s",
                        w.changes(), w.ratePerSecond(), capture[0].p50(), capture[0].p99(), capture[0].max(), capture[0].count(), sinks);
                steps.add(s);
                if (target > 0 && w.ratePerSecond() < 0.9 * target) {
                    notes.add(String.format(Locale.ROOT, "At the %,.0f/s step the generator committed only %,.0f changes/s:"
                            + " the machine did not give it the CPU (or the database the commit rate) to keep up.", target,
                            w.ratePerSecond()));
                }
            }
            for (String svc : SERVICES) {
                long pid = services.servicePid(svc);
                if (pid > 0) {
                    peakRss.put(svc, Rss.peakMib(pid));
                }
            }
            drain = drainPart.run(generator, options.quick() ? 50_000 : 200_000);
        } finally {
            if (startedServices) {
                services.runScript("bin/services", "down");
            }
        }
        return new Result(steps, drain);
    }
}
