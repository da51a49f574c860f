package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;
import static io.cdcflow.bench.SinkProgress.SINKS;
import static io.cdcflow.bench.SinkProgress.applied;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cdcflow.bench.reader.ProcessCpu;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.workload.WorkloadGenerator;
import io.cdcflow.bench.workload.WorkloadResult;
import io.cdcflow.bench.workload.WorkloadSpec;

/**
 * The pipeline's sustained throughput without the generator competing for the cores: a backlog is written while
 * capture-service is stopped, then capture starts and every sink works it off; each sink's rate runs from its
 * first to its last applied change of the backlog. Run by the latency part, on the services it measured.
 */
final class DrainPart {

    private final BenchOptions options;
    private final List<String> notes;
    private final RunningServices services;
    private final SinkProgress sinks;

    DrainPart(BenchOptions options, List<String> notes, RunningServices services, SinkProgress sinks) {
        this.options = options;
        this.notes = notes;
        this.services = services;
        this.sinks = sinks;
    }

    BenchResults.Drain run(WorkloadGenerator generator, long changes) throws Exception {
        sinks.awaitSinksIdle(Duration.ofSeconds(60));
        services.runScript("bin/services", "down", "capture-service");
        log("drain: writing a backlog of %,d changes with capture-service stopped", changes);
        WorkloadResult w = generator.run(WorkloadSpec.mixed(0, null, changes));
        Map<String, Long> before = applied(sinks.scrapeSinks());
        Map<String, Long> processes = services.processTrees();
        long start = System.currentTimeMillis();
        Map<String, Duration> cpuBefore = ProcessCpu.read(processes);
        services.runScript("bin/services", "up", "capture-service");
        processes.put("capture-service", services.servicePid("capture-service"));
        // Capture's start-up (JVM, Quarkus, the engine's connection) is not work per change: its CPU counts from ready.
        Duration captureAtReady = ProcessCpu.read(Map.of("capture-service", processes.get("capture-service")))
                .getOrDefault("capture-service", Duration.ZERO);
        Map<String, Long> firstAt = new LinkedHashMap<>();
        Map<String, Long> doneAt = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(options.quick() ? 5 : 10);
        while (doneAt.size() < SINKS.size() && System.currentTimeMillis() < deadline) {
            Map<String, Long> now = applied(sinks.scrapeSinks());
            long t = System.currentTimeMillis();
            for (String sink : SINKS) {
                long done = now.getOrDefault(sink, 0L) - before.getOrDefault(sink, 0L);
                if (done > 0) {
                    firstAt.putIfAbsent(sink, t);
                }
                if (done >= w.changes()) {
                    doneAt.putIfAbsent(sink, t);
                }
            }
            Thread.sleep(100);
        }
        long ms = System.currentTimeMillis() - start;
        // Capture's own tree restarted: its time before the restart is not in the first reading; it counts from ready.
        Map<String, Duration> cpuAfter = ProcessCpu.read(processes);
        cpuBefore.put("capture-service", captureAtReady);
        Map<String, Double> cores = ProcessCpu.coresBetween(cpuBefore, cpuAfter, ms);
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String sink : SINKS) {
            Long first = firstAt.get(sink);
            Long done = doneAt.get(sink);
            rates.put(sink, first == null || done == null || done <= first ? Double.NaN : w.changes() * 1000.0 / (done - first));
            if (done == null) {
                notes.add(sink + " had not applied the whole backlog of " + w.changes() + " changes when the drain step timed out");
            }
        }
        log("drain: %,d changes worked off in %.1f s; per sink %s", w.changes(), ms / 1000.0, rates);
        return new BenchResults.Drain(w.changes(), rates, cores, ms);
    }
}
