package io.cdcflow.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cdcflow.bench.kafka.CommitLatencyProbe;
import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.ManagedProcess;
import io.cdcflow.bench.reader.ProcessCpu;
import io.cdcflow.bench.reader.Rss;
import io.cdcflow.bench.reader.SourceReaders;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.report.LatencyChart;
import io.cdcflow.bench.report.MarkdownReport;
import io.cdcflow.bench.report.ReadmeSummary;
import io.cdcflow.bench.report.Targets;
import io.cdcflow.bench.stats.LatencySummary;
import io.cdcflow.bench.stats.PromHistogram;
import io.cdcflow.bench.workload.WorkloadGenerator;
import io.cdcflow.bench.workload.WorkloadResult;
import io.cdcflow.bench.workload.WorkloadSpec;

/**
 * The benchmark program run by bin/bench: capture throughput against Debezium on Kafka Connect and
 * pg_recvlogical, snapshot rate, commit-to-Kafka and end-to-end latency at fixed rates and at saturation, and
 * peak RSS per service; writes JSON, Markdown and a PNG chart into {@code bench/results}.
 */
public final class Bench {

    static final List<String> PARTS = List.of("capture", "snapshot", "latency");
    static final List<String> SINKS = List.of("warehouse-sink", "cache-sink", "search-sink");
    static final List<String> SERVICES = List.of("capture-service", "schema-registry", "router-service", "warehouse-sink",
            "cache-sink", "search-sink");
    static final List<String> STACK_SERVERS = List.of("pg-source", "kafka", "pg-store", "redis", "opensearch");
    private static final String TABLES = "public.products,public.customers";

    private final BenchEnv env;
    private final BenchOptions options;
    private final SourceReaders readers;
    private final KafkaTopics kafka;
    private final List<String> notes = new ArrayList<>();
    private BenchResults.Drain drain;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Bench(BenchEnv env, BenchOptions options) {
        this.env = env;
        this.options = options;
        this.readers = new SourceReaders(env);
        this.kafka = new KafkaTopics(env.kafkaBootstrap());
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--readme")) {
            Path file = Path.of(args[1]);
            BenchResults results = new ObjectMapper().readValue(file.toFile(), BenchResults.class);
            Path repo = Path.of(System.getenv().getOrDefault("BENCH_REPO", "."));
            ReadmeSummary.update(repo.resolve("README.md"), ReadmeSummary.render(results,
                    "bench/results/" + file.getFileName()));
            System.out.println("README.md: benchmark figures written from " + file);
            return;
        }
        BenchOptions options = BenchOptions.parse(args);
        BenchEnv env = BenchEnv.fromEnvironment(System.getenv());
        Bench bench = new Bench(env, options);
        try {
            bench.run();
        } finally {
            bench.kafka.close();
        }
    }

    void run() throws Exception {
        String startedAt = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String loadBefore = loadAverage();
        Files.createDirectories(env.work().resolve("logs"));
        applySchema();
        List<BenchResults.Throughput> capture = new ArrayList<>();
        List<BenchResults.Snapshot> snapshots = new ArrayList<>();
        List<BenchResults.RateStep> rates = new ArrayList<>();
        Map<String, Double> peakRss = new TreeMap<>();
        // Latency first: the capture part's backlog lands in the demo tables, and the services' own slot would
        // otherwise make them work it off during the measured steps.
        if (options.runs("latency")) {
            rates.addAll(latencySteps(peakRss));
        }
        if (options.runs("capture")) {
            capture.addAll(captureThroughput());
        }
        if (options.runs("snapshot")) {
            snapshots.addAll(snapshotRate());
        }
        capture.forEach(t -> peakRss.put(t.reader() + " (capture part)", t.peakRssMib()));
        var machine = new BenchResults.Machine(Runtime.getRuntime().availableProcessors(), memoryMib(), loadBefore, loadAverage(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), System.getProperty("os.name") + " "
                + System.getProperty("os.version"), env.serviceJavaOpts());
        BenchResults results = new BenchResults(startedAt, options.command(), machine, capture, notes, rates, drain, snapshots, peakRss,
                List.of());
        results = new BenchResults(startedAt, options.command(), machine, capture, notes, rates, drain, snapshots, peakRss,
                Targets.evaluate(results));
        writeResults(results);
    }

    // ---------------------------------------------------------------- capture throughput

    List<BenchResults.Throughput> captureThroughput() throws Exception {
        long backlog = options.quick() ? 20_000 : 100_000;
        log("capture: preparing slots and a backlog of %,d changes", backlog);
        List<String> ours = List.of("benchlog.public.products", "benchlog.public.customers");
        List<String> dbz = List.of("benchdbz.public.products", "benchdbz.public.customers",
                "benchdbzt.public.products", "benchdbzt.public.customers");
        List<String> trg = List.of("benchtrg.public.products", "benchtrg.public.customers");
        List<String> slots = List.of("bench_log", "bench_dbz", "bench_dbzt", "bench_recv");
        try (Connection c = env.connect()) {
            c.setAutoCommit(true);
            dropSlots(c, slots);
            kafka.recreate(trg, 3);
            try (Statement st = c.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS bench_pub");
                st.execute("CREATE PUBLICATION bench_pub FOR TABLE public.products, public.customers");
            }
            kafka.recreate(ours, 3);
            kafka.recreate(dbz, 3);
            // Transaction-metadata topics too, so that neither reader stalls on auto-creating one mid-backlog.
            kafka.recreate(List.of("benchlog.transaction", "benchdbz.transaction", "benchdbzt.transaction"), 1);
            createSlot(c, "bench_log", "pgoutput");
            createSlot(c, "bench_dbz", "pgoutput");
            createSlot(c, "bench_dbzt", "pgoutput");
            createSlot(c, "bench_recv", "test_decoding");
            WorkloadResult written = new WorkloadGenerator(c).run(WorkloadSpec.mixed(0, null, backlog));
            c.setAutoCommit(true);
            String endLsn = currentLsn(c);
            log("capture: backlog written (%,d changes in %,d transactions, %.0f changes/s), WAL end %s", written.changes(),
                    written.transactions(), written.ratePerSecond(), endLsn);
            List<BenchResults.Throughput> out = new ArrayList<>();
            String how = "events from the first to the last broker append time (LogAppendTime) of the backlog in its topics;"
                    + " start-up = process start to first append";
            try (ManagedProcess p = readers.captureService("benchlog", TABLES, Map.of("strategy", "log", "slot-name", "bench_log",
                    "publication-name", "bench_pub", "snapshot-mode", "no_data"))) {
                out.add(timeBacklog("cdcflow-log", p, ours, written.changes(), how + "; capture-service, log strategy"));
            }
            try (ManagedProcess p = readers.connect("benchdbz", TABLES, "bench_dbz", "bench_pub", "no_data", false)) {
                out.add(timeBacklog("debezium-connect", p, dbz.subList(0, 2), written.changes(), how
                        + "; Debezium 3.5.0.Final PostgreSQL connector on Kafka Connect 4.1.2 standalone, same converter settings,"
                        + " Connect's and Debezium's other settings as shipped"));
            }
            // The same reference with capture-service's producer settings and hand-over interval, so that the ratio
            // measures the code rather than the tuning.
            try (ManagedProcess p = readers.connect("benchdbzt", TABLES, "bench_dbzt", "bench_pub", "no_data", true)) {
                out.add(timeBacklog("debezium-connect-tuned", p, dbz.subList(2, 4), written.changes(), how
                        + "; the same, with capture-service's producer settings (" + SourceReaders.CAPTURE_PRODUCER
                        + ") and poll.interval.ms=" + SourceReaders.CAPTURE_POLL_INTERVAL_MS));
            }
            out.add(recvLogical(written.changes(), endLsn));
            // The trigger strategy on a second backlog of the same kind, written with its triggers in place: in the
            // first one, the change log's rows would have doubled the WAL the log readers decode.
            dropSlots(c, slots);
            installTriggers(c);
            WorkloadResult logged = new WorkloadGenerator(c).run(WorkloadSpec.mixed(0, null, backlog));
            c.setAutoCommit(true);
            log("capture: second backlog written through the triggers (%,d changes, %.0f changes/s)", logged.changes(),
                    logged.ratePerSecond());
            try (ManagedProcess p = readers.captureService("benchtrg", TABLES, TRIGGER_SOURCE)) {
                out.add(timeBacklog("cdcflow-trigger", p, trg, logged.changes(), how + "; capture-service, trigger"
                        + " strategy, on a second backlog written with its triggers in place (change log read in batches of"
                        + " 1,000)"));
            }
            notes.add("The timestamp strategy reads current row state, not a change backlog (no deletes, one event per"
                    + " row however often it changed), so it is measured on the snapshot table instead: its first poll of a"
                    + " fresh table, rows per second.");
            return out;
        } finally {
            cleanUpCapture(ours, dbz, trg, slots);
        }
    }

    /** The trigger source of the capture part; its change log lives in a schema of its own, dropped afterwards. */
    private static final Map<String, String> TRIGGER_SOURCE = Map.of("strategy", "trigger", "trigger-schema", "bench_trg",
            // The backlog alone is measured: the rows the tables held before are not read.
            "trigger-snapshot", "never");

    /**
     * Starts a trigger-based capture-service once so that it installs its change log and triggers, then stops it:
     * the backlog written next is logged by the triggers and waits for the timed run.
     */
    private void installTriggers(Connection c) throws Exception {
        try (ManagedProcess p = readers.captureService("benchtrg", TABLES, TRIGGER_SOURCE);
             PreparedStatement installed = c.prepareStatement("SELECT count(*) FROM pg_trigger WHERE tgname = 'cdcflow_capture'"
                     + " AND tgrelid IN ('public.products'::regclass, 'public.customers'::regclass)")) {
            long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(2);
            while (true) {
                p.checkAlive();
                try (ResultSet rs = installed.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 2) {
                        break;
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the trigger source did not install its triggers within 2 minutes");
                }
                Thread.sleep(200);
            }
        }
        log("capture: trigger change log installed (schema bench_trg)");
    }

    private void cleanUpCapture(List<String> ours, List<String> dbz, List<String> trg, List<String> slots) throws Exception {
        try (Connection c = env.connect()) {
            c.setAutoCommit(true);
            dropSlots(c, slots);
            try (Statement st = c.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS bench_pub");
                // The demo tables must not keep logging changes: the function's CASCADE drops their triggers too.
                st.execute("DROP SCHEMA IF EXISTS bench_trg CASCADE");
            }
            kafka.delete(ours);
            kafka.delete(dbz);
            kafka.delete(trg);
            kafka.delete(List.of("benchlog.transaction", "benchdbz.transaction", "benchdbzt.transaction"));
        }
    }

    private BenchResults.Throughput timeBacklog(String reader, ManagedProcess p, List<String> topics, long expected, String how)
            throws Exception {
        log("capture: %s started (pid %d), waiting for %,d events", reader, p.pid(), expected);
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(options.quick() ? 4 : 8);
        long seen = 0;
        while (System.currentTimeMillis() < deadline) {
            p.checkAlive();
            seen = kafka.endOffsetSum(topics);
            if (seen >= expected) {
                break;
            }
            Thread.sleep(500);
        }
        double rss = p.peakRssMib();
        KafkaTopics.AppendWindow w = kafka.window(topics);
        BenchResults.Throughput t = new BenchResults.Throughput(reader, expected, w.count(), w.ratePerSecond(),
                w.count() == 0 ? -1 : w.firstMs() - p.startedMs(), rss, how);
        log("capture: %s delivered %,d events at %.0f events/s (start-up %.1f s, peak RSS %.0f MiB)", reader, w.count(),
                w.ratePerSecond(), t.startupMs() / 1000.0, rss);
        if (seen < expected) {
            notes.add(reader + " delivered only " + seen + " of " + expected + " events before the time limit");
        }
        return t;
    }

    private BenchResults.Throughput recvLogical(long expected, String endLsn) throws Exception {
        long started = System.currentTimeMillis();
        Process p = readers.recvLogical("bench_recv", endLsn);
        long first = -1;
        long last = -1;
        long count = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                // Only the captured tables: the trigger reader's change log is in the same WAL.
                if (line.startsWith("table public.products:") || line.startsWith("table public.customers:")) {
                    long now = System.currentTimeMillis();
                    if (first < 0) {
                        first = now;
                    }
                    last = now;
                    count++;
                }
            }
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        double rate = last > first ? (count - 1) * 1000.0 / (last - first) : Double.NaN;
        log("capture: pg_recvlogical decoded %,d changes at %.0f changes/s", count, rate);
        return new BenchResults.Throughput("pg_recvlogical", expected, count, rate, first < 0 ? -1 : first - started, Double.NaN,
                "test_decoding output lines for table changes, first to last line read by the bench from pg_recvlogical's"
                        + " stdout (the decode limit: no Kafka, no conversion)");
    }

    // ---------------------------------------------------------------- snapshot

    List<BenchResults.Snapshot> snapshotRate() throws Exception {
        long rows = options.quick() ? 200_000 : 1_000_000;
        log("snapshot: creating bench_snapshot with %,d rows", rows);
        List<BenchResults.Snapshot> out = new ArrayList<>();
        try (Connection c = env.connect()) {
            dropSlots(c, List.of("bench_snap", "bench_snap_dbz"));
            WorkloadGenerator.createSnapshotTable(c, rows, 100);
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS bench_snap_pub");
                st.execute("CREATE PUBLICATION bench_snap_pub FOR TABLE public.bench_snapshot");
            }
            List<String> ours = List.of("benchsnap.public.bench_snapshot");
            List<String> dbz = List.of("benchsnapdbz.public.bench_snapshot");
            kafka.recreate(ours, 3);
            kafka.recreate(dbz, 3);
            try (ManagedProcess p = readers.captureService("benchsnap", "public.bench_snapshot", Map.of("strategy", "log",
                    "slot-name", "bench_snap", "publication-name", "bench_snap_pub", "snapshot-mode", "initial"))) {
                BenchResults.Throughput t = timeBacklog("cdcflow-log snapshot", p, ours, rows, "");
                out.add(new BenchResults.Snapshot("cdcflow-log", rows, t.events(), t.eventsPerSecond(), t.startupMs()));
            }
            try (ManagedProcess p = readers.connect("benchsnapdbz", "public.bench_snapshot", "bench_snap_dbz", "bench_snap_pub",
                    "initial", false)) {
                BenchResults.Throughput t = timeBacklog("debezium-connect snapshot", p, dbz, rows, "");
                out.add(new BenchResults.Snapshot("debezium-connect", rows, t.events(), t.eventsPerSecond(), t.startupMs()));
            }
            List<String> ts = List.of("benchsnapts.public.bench_snapshot");
            kafka.recreate(ts, 3);
            try (ManagedProcess p = readers.captureService("benchsnapts", "public.bench_snapshot", Map.of("strategy", "timestamp"))) {
                BenchResults.Throughput t = timeBacklog("cdcflow-timestamp first poll", p, ts, rows, "");
                out.add(new BenchResults.Snapshot("cdcflow-timestamp (first poll)", rows, t.events(), t.eventsPerSecond(),
                        t.startupMs()));
            }
            kafka.delete(ts);
            dropSlots(c, List.of("bench_snap", "bench_snap_dbz"));
            try (Statement st = c.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS bench_snap_pub");
                st.execute("DROP TABLE IF EXISTS bench_snapshot");
            }
            kafka.delete(ours);
            kafka.delete(dbz);
        }
        return out;
    }

    // ---------------------------------------------------------------- latency at fixed rates and saturation

    List<BenchResults.RateStep> latencySteps(Map<String, Double> peakRss) throws Exception {
        List<String> topics = List.of("inventory.public.products", "inventory.public.customers");
        Map<String, String> types = kafka.ensureLogAppendTime(topics, 3);
        if (types.values().stream().anyMatch(t -> !t.equals("LogAppendTime"))) {
            notes.add("The demo's raw topics existed before the bench with timestamp types " + types + ": commit-to-Kafka"
                    + " latency uses the producer's CreateTime there (capture's send time, before the broker acknowledged).");
        }
        boolean startedServices = servicesUp();
        List<BenchResults.RateStep> steps = new ArrayList<>();
        Duration step = Duration.ofSeconds(options.quick() ? 15 : 30);
        List<Double> targets = options.quick() ? List.of(500.0, 2_000.0, 0.0) : List.of(500.0, 2_000.0, 5_000.0, 0.0);
        try (Connection c = env.connect(); CommitLatencyProbe probe = new CommitLatencyProbe(kafka, topics)) {
            WorkloadGenerator generator = new WorkloadGenerator(c);
            // Whatever the services' slot still holds (an earlier run's capture part writes its backlogs while they
            // are down) is worked off first; services this run started then start afresh, so that the steps see
            // the memory of a service running at their rate, not of one that just worked off a backlog.
            awaitSinksIdle(Duration.ofSeconds(options.quick() ? 120 : 300));
            if (startedServices) {
                runScript("bin/services", "down");
                runScript("bin/services", "up");
            }
            // Warm-up: the services' first changes pay class loading (and, on a new stack, schema registration).
            generator.run(WorkloadSpec.mixed(500, Duration.ofSeconds(5), 0));
            awaitSinksIdle(Duration.ofSeconds(60));
            for (double target : targets) {
                Duration length = target <= 0 ? Duration.ofSeconds(options.quick() ? 20 : 60) : step;
                log("latency: %s for %d s", target <= 0 ? "saturation" : String.format(Locale.ROOT, "%.0f changes/s", target),
                        length.toSeconds());
                Map<String, String> before = scrapeSinks();
                Map<String, Long> appliedBefore = applied(before);
                Map<String, Long> processes = processTrees();
                Map<String, Duration> cpuBefore = ProcessCpu.read(processes);
                long stepStart = System.currentTimeMillis();
                probe.startWindow();
                WorkloadResult w = generator.run(WorkloadSpec.mixed(target, length, 0));
                probe.endWindow();
                Map<String, Long> drainedAt = awaitApplied(appliedBefore, w.changes(), w.startMs(), Duration.ofSeconds(180));
                Thread.sleep(1000);
                long stepMs = System.currentTimeMillis() - stepStart;
                Map<String, Double> cores = ProcessCpu.coresBetween(cpuBefore, ProcessCpu.read(processes), stepMs);
                Map<String, String> after = scrapeSinks();
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
                    long pid = servicePid(svc);
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
                long pid = servicePid(svc);
                if (pid > 0) {
                    peakRss.put(svc, Rss.peakMib(pid));
                }
            }
            drain = drainBacklog(generator, options.quick() ? 50_000 : 200_000);
        } finally {
            if (startedServices) {
                runScript("bin/services", "down");
            }
        }
        return steps;
    }

    /**
     * The pipeline's sustained throughput without the generator competing for the cores: a backlog is written while
     * capture-service is stopped, then capture starts and every sink works it off; each sink's rate runs from its
     * first to its last applied change of the backlog.
     */
    private BenchResults.Drain drainBacklog(WorkloadGenerator generator, long changes) throws Exception {
        awaitSinksIdle(Duration.ofSeconds(60));
        runScript("bin/services", "down", "capture-service");
        log("drain: writing a backlog of %,d changes with capture-service stopped", changes);
        WorkloadResult w = generator.run(WorkloadSpec.mixed(0, null, changes));
        Map<String, Long> before = applied(scrapeSinks());
        Map<String, Long> processes = processTrees();
        long start = System.currentTimeMillis();
        Map<String, Duration> cpuBefore = ProcessCpu.read(processes);
        runScript("bin/services", "up", "capture-service");
        processes.put("capture-service", servicePid("capture-service"));
        Map<String, Long> firstAt = new LinkedHashMap<>();
        Map<String, Long> doneAt = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(options.quick() ? 5 : 10);
        while (doneAt.size() < SINKS.size() && System.currentTimeMillis() < deadline) {
            Map<String, Long> now = applied(scrapeSinks());
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
        // Capture's own tree restarted: its time before the restart is not in the first reading, so it counts from zero.
        Map<String, Duration> cpuAfter = ProcessCpu.read(processes);
        cpuBefore.put("capture-service", Duration.ZERO);
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

    /** Waits until each sink's applied counter has grown by {@code expected}; returns when each got there (ms). */
    private Map<String, Long> awaitApplied(Map<String, Long> before, long expected, long startMs, Duration timeout) throws Exception {
        Map<String, Long> doneAt = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (doneAt.size() < SINKS.size() && System.currentTimeMillis() < deadline) {
            Map<String, Long> now = applied(scrapeSinks());
            for (String sink : SINKS) {
                if (!doneAt.containsKey(sink) && now.getOrDefault(sink, 0L) - before.getOrDefault(sink, 0L) >= expected) {
                    doneAt.put(sink, System.currentTimeMillis());
                }
            }
            Thread.sleep(250);
        }
        for (String sink : SINKS) {
            if (!doneAt.containsKey(sink)) {
                notes.add(sink + " had not applied all " + expected + " changes of a step " + timeout.toSeconds()
                        + " s after it started draining; its figures for that step cover what it applied");
            }
        }
        return doneAt;
    }

    /**
     * Waits until the pipeline is idle: the services' replication slot has confirmed (nearly) all WAL, so capture holds
     * no backlog (an earlier bench's capture part leaves one there), and no sink applied anything for three seconds.
     */
    private void awaitSinksIdle(Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Map<String, Long> last = applied(scrapeSinks());
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(3000);
            Map<String, Long> now = applied(scrapeSinks());
            if (now.equals(last) && !now.isEmpty() && servicesSlotLagBytes() < 1 << 20) {
                return;
            }
            last = now;
        }
        notes.add("The pipeline was not idle " + timeout.toSeconds() + " s into the wait before a step: the step's figures"
                + " include an earlier backlog.");
    }

    /** WAL the services' capture source has not confirmed yet (slot {@code cdcflow_inventory}); 0 without the slot. */
    private long servicesSlotLagBytes() throws SQLException {
        try (Connection c = env.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
                        + " WHERE slot_name = 'cdcflow_inventory'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Applied plus skipped-as-stale changes per sink, from a scrape. */
    static Map<String, Long> applied(Map<String, String> scrapes) {
        Map<String, Long> out = new LinkedHashMap<>();
        scrapes.forEach((sink, text) -> {
            long sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("cdc_sink_applied_total") || line.startsWith("cdc_sink_skipped_stale_total")) {
                    sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            out.put(sink, sum);
        });
        return out;
    }

    private Map<String, String> scrapeSinks() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String sink : SINKS) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.servicePort(sink)
                        + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    out.put(sink, r.body());
                }
            } catch (IOException e) {
                log("warning: could not scrape %s: %s", sink, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scraping " + sink, e);
            }
        }
        return out;
    }

    /**
     * The process trees whose CPU a step accounts for: every service, every server of the stack (with its children:
     * PostgreSQL's backends) and the bench itself (the workload generator and the latency probe).
     */
    private Map<String, Long> processTrees() {
        Map<String, Long> roots = new LinkedHashMap<>();
        for (String svc : SERVICES) {
            roots.put(svc, servicePid(svc));
        }
        for (String server : STACK_SERVERS) {
            roots.put(server, servicePid(server));
        }
        roots.put("bench (generator, probe)", ProcessHandle.current().pid());
        roots.values().removeIf(pid -> pid <= 0);
        return roots;
    }

    private long servicePid(String service) {
        Path file = env.stackHome().resolve("run/" + service + ".pid");
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Starts the services unless all answer already; true when this run started them. */
    private boolean servicesUp() throws Exception {
        boolean allUp = true;
        for (String svc : SERVICES) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.servicePort(svc)
                        + "/q/health/ready")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
                allUp &= r.statusCode() == 200;
            } catch (IOException e) {
                allUp = false;
            }
        }
        if (allUp) {
            notes.add("The services were already running: the latency part measured them as they were configured.");
            return false;
        }
        runScript("bin/services", "up");
        return true;
    }

    private void runScript(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(env.repo().resolve(script).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(env.repo().toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed with status " + p.exitValue());
        }
    }

    // ---------------------------------------------------------------- helpers

    private void applySchema() throws Exception {
        String sql = Files.readString(env.repo().resolve("bin/sql/inventory-postgres.sql"));
        try (Connection c = env.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void createSlot(Connection c, String slot, String plugin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, ?)")) {
            ps.setString(1, slot);
            ps.setString(2, plugin);
            ps.execute();
        }
    }

    private static void dropSlots(Connection c, List<String> slots) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ANY (?) AND NOT active")) {
            ps.setArray(1, c.createArrayOf("text", slots.toArray()));
            ps.execute();
        }
    }

    private static String currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void writeResults(BenchResults results) throws IOException {
        Path dir = env.repo().resolve("bench/results");
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve(stamp + ".json").toFile(), results);
        Files.writeString(dir.resolve("latest.md"), MarkdownReport.render(results));
        if (!results.rates().isEmpty()) {
            LatencyChart.write(results.rates(), results.startedAt() + ", " + results.machine().cores() + " cores, load "
                    + results.machine().loadAverageAfter(), dir.resolve("latency-vs-rate.png"));
        }
        log("results: %s, %s", dir.resolve(stamp + ".json"), dir.resolve("latest.md"));
        if (!options.quick() && options.only().isEmpty()) {
            ReadmeSummary.update(env.repo().resolve("README.md"), ReadmeSummary.render(results, "bench/results/" + stamp + ".json"));
            log("README.md: benchmark figures written from %s", dir.resolve(stamp + ".json"));
        } else {
            log("README.md left as it is: only a full run (no --quick, no --only) writes its figures");
        }
        System.out.println();
        System.out.println(MarkdownReport.render(results));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static long memoryMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%s %s%n", DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC)
                .format(Instant.now()), String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** Command-line options: {@code --quick}, {@code --only <part>} (capture, snapshot or latency). */
    record BenchOptions(boolean quick, Set<String> only, String command) {

        static BenchOptions parse(String[] args) {
            boolean quick = false;
            Set<String> only = new java.util.LinkedHashSet<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--only" -> {
                        if (i + 1 >= args.length || !PARTS.contains(args[i + 1])) {
                            throw new IllegalArgumentException("--only takes one of " + PARTS);
                        }
                        only.add(args[++i]);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (bin/bench [--quick] [--only "
                            + String.join("|", PARTS) + "])");
                }
            }
            return new BenchOptions(quick, only, ("bin/bench " + String.join(" ", args)).trim());
        }

        boolean runs(String part) {
            return only.isEmpty() || only.contains(part);
        }
    }
}
