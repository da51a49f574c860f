package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;
import static io.cdcflow.bench.SourceDatabase.createSlot;
import static io.cdcflow.bench.SourceDatabase.dropSlots;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.ManagedProcess;
import io.cdcflow.bench.reader.ProcessCpu;
import io.cdcflow.bench.reader.SourceReaders;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.stats.LatencySummary;
import io.cdcflow.bench.warehouse.BacklogCopy;
import io.cdcflow.bench.warehouse.BacklogFingerprint;
import io.cdcflow.bench.warehouse.ProbeRow;
import io.cdcflow.bench.workload.WorkloadGenerator;
import io.cdcflow.bench.workload.WorkloadResult;
import io.cdcflow.bench.workload.WorkloadSpec;

/**
 * The whole-path part: source → warehouse through cdcflow (a capture-service of its own, the stack's router-service
 * and warehouse-sink, with the registry they consult) against Debezium's PostgreSQL connector plus its JDBC sink
 * connector on one Kafka Connect worker, upserting into a schema of its own in the same warehouse. One backlog,
 * written after a slot per path was created, is worked off by each path in turn, each timed from its start until
 * its warehouse copy holds the backlog's result; then each path's end-to-end latency at a fixed rate, through a
 * probe row. Starts the services it needs and stops the ones that would compete (the demo's capture-service, the
 * other sinks), puts them back as they were, and drops its slots, topics, tables and warehouse schemas when done.
 */
final class WholePathPart {

    static final String CDCFLOW = "cdcflow";
    private static final String SOURCE = "benchwp";
    private static final String SLOT = "bench_wp";
    private static final String PUBLICATION = "bench_wp_pub";
    private static final String TABLES = "public.products,public.customers,public.bench_probe";
    private static final List<String> TABLE_NAMES = List.of("products", "customers", "bench_probe");
    /** The services of cdcflow's path that bin/services runs (capture-service is the part's own, like the capture part's). */
    private static final List<String> PATH_SERVICES = List.of("schema-registry", "router-service", "warehouse-sink");
    /** Services that would take part or compete for the cores: stopped while the part runs. */
    private static final List<String> COMPETING = List.of("capture-service", "cache-sink", "search-sink");
    private static final List<String> SERVERS = List.of("kafka", "pg-source", "pg-store");
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
    private static final Duration PROBE_POLL = Duration.ofMillis(10);
    private static final double RATE = 1_000;

    /**
     * A Debezium reference: its slot, topic prefix (two dots, so that the router's pattern of three-part raw topics
     * never picks up its topics, transaction topic included) and warehouse schema; {@code tuned} as in
     * {@link SourceReaders#connectToWarehouse}.
     */
    record Reference(String path, String slot, String topicPrefix, String schema, boolean tuned) {
    }

    static final List<Reference> REFERENCES = List.of(
            new Reference("debezium-jdbc", "bench_wp_dbz", "bench.wp.dbz", "bench_wp_dbz", false),
            new Reference("debezium-jdbc-tuned", "bench_wp_dbzt", "bench.wp.dbzt", "bench_wp_dbzt", true));

    private final BenchEnv env;
    private final BenchOptions options;
    private final SourceReaders readers;
    private final KafkaTopics kafka;
    private final List<String> notes;
    private final RunningServices services;
    private final SinkProgress sinks;

    WholePathPart(BenchEnv env, BenchOptions options, SourceReaders readers, KafkaTopics kafka, List<String> notes,
                  RunningServices services, SinkProgress sinks) {
        this.env = env;
        this.options = options;
        this.readers = readers;
        this.kafka = kafka;
        this.notes = notes;
        this.services = services;
        this.sinks = sinks;
    }

    /** What the backlog wrote: where its rows begin, its marker row, its change count and the source's result. */
    private record Backlog(long firstProduct, long firstCustomer, long marker, long changes, BacklogFingerprint expected) {
    }

    BenchResults.WholePath run() throws Exception {
        long size = options.quick() ? 20_000 : 100_000;
        List<String> slots = new ArrayList<>(List.of(SLOT));
        REFERENCES.forEach(r -> slots.add(r.slot()));
        List<String> ourTopics = new ArrayList<>();
        List<String> txTopics = new ArrayList<>(List.of(SOURCE + ".transaction"));
        for (String t : TABLE_NAMES) {
            ourTopics.add(SOURCE + ".public." + t);
            ourTopics.add("validated." + SOURCE + ".public." + t);
        }
        List<String> refTopics = new ArrayList<>();
        for (Reference r : REFERENCES) {
            TABLE_NAMES.forEach(t -> refTopics.add(r.topicPrefix() + ".public." + t));
            txTopics.add(r.topicPrefix() + ".transaction");
        }
        List<String> stopped = new ArrayList<>();
        List<String> started = new ArrayList<>();
        try (Connection c = env.connect()) {
            c.setAutoCommit(true);
            log("wholepath: preparing slots, topics, warehouse schemas and a backlog of %,d changes", size);
            dropSlots(c, slots);
            ProbeRow.createTable(c);
            try (Statement st = c.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS " + PUBLICATION);
                st.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE public.products, public.customers, public.bench_probe");
            }
            kafka.recreate(ourTopics, 3);
            kafka.recreate(refTopics, 3);
            kafka.recreate(txTopics, 1);
            dropWarehouseSchemas(true);
            for (String svc : COMPETING) {
                if (services.ready(svc)) {
                    stopped.add(svc);
                }
            }
            if (!stopped.isEmpty()) {
                servicesScript("down", stopped);
                notes.add("The whole-path part stopped " + stopped + " while it ran (they would have taken part in, or competed"
                        + " with, the paths measured) and started them again afterwards.");
            }
            for (String svc : PATH_SERVICES) {
                if (!services.ready(svc)) {
                    started.add(svc);
                }
            }
            if (!started.isEmpty()) {
                servicesScript("up", started);
            }
            if (!sinks.awaitQuiet("warehouse-sink", Duration.ofSeconds(120))) {
                notes.add("warehouse-sink was still applying an earlier backlog when the whole-path part began.");
            }
            createSlot(c, SLOT, "pgoutput");
            for (Reference r : REFERENCES) {
                createSlot(c, r.slot(), "pgoutput");
            }
            Backlog backlog = writeBacklog(c, size);
            List<Timing> timings = new ArrayList<>();
            Map<String, LatencyStep> latency = new LinkedHashMap<>();
            try (BacklogCopy copy = ourCopy()) {
                Map<String, Long> roots = roots(PATH_SERVICES);
                Map<String, Duration> before = ProcessCpu.read(roots);
                long start = System.currentTimeMillis();
                try (ManagedProcess p = captureService()) {
                    roots.put("capture-service", p.pid());
                    List<String> own = new ArrayList<>(List.of("capture-service"));
                    own.addAll(PATH_SERVICES);
                    timings.add(timeBacklog(CDCFLOW, p, copy, backlog, start, roots, before, own, OUR_HOW));
                }
            }
            Reference measuredAtRate = REFERENCES.get(REFERENCES.size() - 1);
            for (Reference r : REFERENCES) {
                try (BacklogCopy copy = new BacklogCopy(r.path(), env.connectWarehouse(), r.schema(), null)) {
                    Map<String, Long> roots = roots(List.of());
                    Map<String, Duration> before = ProcessCpu.read(roots);
                    long start = System.currentTimeMillis();
                    try (ManagedProcess p = readers.connectToWarehouse(r.path(), r.topicPrefix(), TABLES, r.slot(), PUBLICATION,
                            r.schema(), r.tuned())) {
                        roots.put("kafka-connect", p.pid());
                        Timing t = timeBacklog(r.path(), p, copy, backlog, start, roots, before, List.of("kafka-connect"),
                                describe(r));
                        timings.add(t);
                        // Measured at the fixed rate right away, on the same worker, caught up with the backlog.
                        if (r == measuredAtRate && t.complete()) {
                            latency.put(r.path(), latencyStep(r.path(), copy, p));
                        }
                    } catch (IllegalStateException e) {
                        notes.add("The whole-path reference " + r.path() + " failed: " + e.getMessage());
                        log("wholepath: %s failed: %s", r.path(), e.getMessage());
                    }
                }
            }
            // cdcflow's slot holds what the reference's fixed-rate step wrote: a fresh slot, so that capture starts
            // caught up, as the reference's worker was.
            dropSlots(c, List.of(SLOT));
            createSlot(c, SLOT, "pgoutput");
            try (BacklogCopy copy = ourCopy(); ManagedProcess p = captureService()) {
                latency.put(CDCFLOW, latencyStep(CDCFLOW, copy, p));
            }
            List<BenchResults.PathRun> runs = new ArrayList<>();
            for (Timing t : timings) {
                LatencyStep l = latency.get(t.path());
                runs.add(new BenchResults.PathRun(t.path(), t.changes(), t.complete(), t.ms(), t.firstChangeMs(), t.cores(),
                        t.own(), t.peakRssMib(), l == null ? null : l.endToEnd(), l == null ? Double.NaN : l.committedRate(),
                        l == null ? 0 : l.unseen(), t.how()));
            }
            return new BenchResults.WholePath(backlog.changes(), RATE, runs, how(options));
        } finally {
            // Each step on its own: a failed clean-up must neither leave the demo's services stopped nor hide why.
            try {
                cleanUp(slots, ourTopics, refTopics, txTopics);
            } catch (Exception e) {
                notes.add("The whole-path part could not clean up after itself: " + e.getMessage());
                log("wholepath: clean-up failed: %s", e.getMessage());
            } finally {
                try {
                    if (!started.isEmpty()) {
                        servicesScript("down", started);
                    }
                } finally {
                    if (!stopped.isEmpty()) {
                        servicesScript("up", stopped);
                    }
                }
            }
        }
    }

    private static final String OUR_HOW = "capture-service (log strategy, a process of the part's own on its own slot, the"
            + " capture part's settings) → Kafka → router-service → Kafka → warehouse-sink (the stack's, with the"
            + " schema-registry they consult, counted in the path); its warehouse table keeps deleted rows marked"
            + " (_cdc_deleted), and warehouse-sink also writes every version into a history table";

    private static String describe(Reference r) {
        return "Debezium 3.5.0.Final PostgreSQL connector + Debezium JDBC sink connector on one Kafka Connect 4.1.2"
                + " standalone worker (JSON with schemas, keys too: record_key needs the key's schema; insert.mode=upsert,"
                + " primary.key.mode=record_key, delete.enabled=true, schema.evolution=basic) into schema " + r.schema()
                + (r.tuned() ? "; with capture-service's producer settings, poll.interval.ms="
                + SourceReaders.CAPTURE_POLL_INTERVAL_MS + ", use.reduction.buffer=true and"
                + " dialect.postgres.unnest.insert.enabled=true" : "; Connect's, Debezium's and the sink's other settings as shipped");
    }

    static String how(BenchOptions options) {
        return "Each path reads its own replication slot, created before the backlog was written; the backlog's last"
                + " change is a marker row. A path's time runs from the start of the process it starts (capture-service;"
                + " the Connect worker, which starts both connectors; router-service and warehouse-sink were running,"
                + " idle) until its warehouse copy holds the backlog's result: the marker row, then the same live"
                + " products (ids and prices, as an MD5 in id order) and the same count of customers as the source,"
                + " checked every 200 ms; first change = until the copy held any row of the backlog. CPU: user + system"
                + " time of each process tree over that time, the started process's JVM start-up included. End to end:"
                + " with the path caught up, the generator commits " + String.format(Locale.ROOT, "%,.0f", RATE)
                + " changes/s (" + (options.quick() ? 10 : 15) + " s of warm-up, then " + (options.quick() ? 30 : 60)
                + " s measured) while the bench updates a probe row every " + PROBE_INTERVAL.toMillis() + " ms (on top)"
                + " and reads the path's warehouse copy of it every " + PROBE_POLL.toMillis() + " ms: a probe's latency"
                + " runs from its commit's return until the copy is first seen holding it or a later probe; the paths"
                + " run one at a time.";
    }

    /** {@code bin/services <verb> <names...>}. */
    private void servicesScript(String verb, List<String> names) throws Exception {
        List<String> args = new ArrayList<>(List.of(verb));
        args.addAll(names);
        services.runScript("bin/services", args.toArray(String[]::new));
    }

    private BacklogCopy ourCopy() throws SQLException {
        return new BacklogCopy(CDCFLOW, env.connectWarehouse(), SOURCE + "_public", "_cdc_deleted");
    }

    private ManagedProcess captureService() throws java.io.IOException {
        return readers.captureService(SOURCE, TABLES, Map.of("strategy", "log", "log.slot-name", SLOT,
                "log.publication-name", PUBLICATION, "log.snapshot-mode", "no_data"));
    }

    /** The process trees of the named services and the shared servers. */
    private Map<String, Long> roots(List<String> pathServices) {
        Map<String, Long> roots = new LinkedHashMap<>();
        for (String svc : pathServices) {
            roots.put(svc, services.servicePid(svc));
        }
        for (String server : SERVERS) {
            roots.put(server, services.servicePid(server));
        }
        // Not the bench itself: the process a path starts is the bench's child, so the bench's tree would count it twice.
        roots.values().removeIf(pid -> pid <= 0);
        return roots;
    }

    private Backlog writeBacklog(Connection c, long size) throws SQLException {
        long firstProduct = nextId(c, "products");
        long firstCustomer = nextId(c, "customers");
        WorkloadResult w = new WorkloadGenerator(c).run(WorkloadSpec.mixed(0, null, size));
        c.setAutoCommit(true);
        long marker;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("INSERT INTO products (name, description,"
                + " weight_kg, price) VALUES ('bench whole-path marker', NULL, 0, 1.00) RETURNING id")) {
            rs.next();
            marker = rs.getLong(1);
        }
        BacklogFingerprint expected;
        try (BacklogCopy source = new BacklogCopy("source", env.connect(), "public", null)) {
            expected = source.fingerprint(firstProduct, firstCustomer);
        }
        log("wholepath: backlog written (%,d changes and the marker in %,d transactions, %.0f changes/s); the source holds %s",
                w.changes(), w.transactions(), w.ratePerSecond(), expected);
        return new Backlog(firstProduct, firstCustomer, marker, w.changes() + 1, expected);
    }

    /** The id the next row of the table will get at the earliest (its highest id so far plus one). */
    private static long nextId(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) + 1 FROM " + (table.equals("products")
                ? "products" : "customers")); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A path over the backlog: how long until its copy held it, and the cores each process tree used meanwhile. */
    private record Timing(String path, long changes, boolean complete, long ms, long firstChangeMs, Map<String, Double> cores,
                          List<String> own, double peakRssMib, String how) {
    }

    private Timing timeBacklog(String path, ManagedProcess p, BacklogCopy copy, Backlog backlog, long start,
                               Map<String, Long> roots, Map<String, Duration> before, List<String> own, String how)
            throws Exception {
        log("wholepath: %s started (pid %d), waiting until its warehouse copy holds the backlog", path, p.pid());
        long deadline = start + TimeUnit.MINUTES.toMillis(options.quick() ? 5 : 12);
        long first = -1;
        long done = -1;
        BacklogFingerprint last = null;
        while (System.currentTimeMillis() < deadline) {
            p.checkAlive();
            long now = System.currentTimeMillis();
            if (first < 0 && copy.holdsAnyProductFrom(backlog.firstProduct())) {
                first = now;
            }
            if (copy.holdsProduct(backlog.marker())) {
                last = copy.fingerprint(backlog.firstProduct(), backlog.firstCustomer());
                if (backlog.expected().equals(last)) {
                    done = System.currentTimeMillis();
                    break;
                }
            }
            Thread.sleep(200);
        }
        long end = done > 0 ? done : System.currentTimeMillis();
        Map<String, Double> cores = ProcessCpu.coresBetween(before, ProcessCpu.read(roots), end - start);
        double rss = p.peakRssMib();
        Timing t = new Timing(path, backlog.changes(), done > 0, end - start, first < 0 ? -1 : first - start, cores, own, rss, how);
        if (done < 0) {
            notes.add(String.format(Locale.ROOT, "The warehouse copy of %s did not hold the backlog's result within the time"
                    + " limit (it held %s, the source %s).", path, last, backlog.expected()));
        }
        log("wholepath: %s: %s in %.1f s (first change after %.1f s), %.0f changes/s; path CPU %s", path,
                done > 0 ? "backlog in the warehouse" : "INCOMPLETE", t.ms() / 1000.0, t.firstChangeMs() / 1000.0,
                done > 0 ? t.changes() * 1000.0 / t.ms() : Double.NaN, cores);
        return t;
    }

    /** The end-to-end latencies of one path at the fixed rate, with the committed rate and the probes never seen. */
    private record LatencyStep(LatencySummary endToEnd, double committedRate, int unseen) {
    }

    private LatencyStep latencyStep(String path, BacklogCopy copy, ManagedProcess p) throws Exception {
        Duration warmUp = Duration.ofSeconds(options.quick() ? 10 : 15);
        Duration window = Duration.ofSeconds(options.quick() ? 30 : 60);
        try (Connection generatorConnection = env.connect();
             ProbeRow probe = ProbeRow.start(env.connect(), copy, PROBE_INTERVAL, PROBE_POLL)) {
            long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(3);
            while (probe.latencies().seenCount() == 0) {
                p.checkAlive();
                probe.checkFailure();
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(path + "'s warehouse copy showed no probe within 3 minutes");
                }
                Thread.sleep(100);
            }
            log("wholepath: %s shows the probe; %d s at %,.0f changes/s to warm up, then %d s measured", path,
                    warmUp.toSeconds(), RATE, window.toSeconds());
            // A generator of its own: it updates and deletes only rows it inserted, never the backlog's.
            WorkloadGenerator generator = new WorkloadGenerator(generatorConnection);
            generator.run(WorkloadSpec.mixed(RATE, warmUp, 0));
            long from = System.currentTimeMillis();
            WorkloadResult w = generator.run(WorkloadSpec.mixed(RATE, window, 0));
            long to = System.currentTimeMillis();
            probe.finish(Duration.ofSeconds(60));
            p.checkAlive();
            LatencySummary s = probe.latencies().summary(from, to);
            int unseen = probe.latencies().unseenBetween(from, to);
            log("wholepath: %s at %.0f changes/s: end to end p50 %.0f p99 %.0f max %.0f ms (%d probes, %d not seen)", path,
                    w.ratePerSecond(), s.p50(), s.p99(), s.max(), s.count(), unseen);
            if (w.ratePerSecond() < 0.9 * RATE) {
                notes.add(String.format(Locale.ROOT, "In %s's fixed-rate step the generator committed only %,.0f changes/s.",
                        path, w.ratePerSecond()));
            }
            return new LatencyStep(s, w.ratePerSecond(), unseen);
        }
    }

    private void dropWarehouseSchemas(boolean createReferences) throws SQLException {
        try (Connection w = env.connectWarehouse(); Statement st = w.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SOURCE + "_public CASCADE");
            for (Reference r : REFERENCES) {
                st.execute("DROP SCHEMA IF EXISTS " + r.schema() + " CASCADE");
                if (createReferences) {
                    st.execute("CREATE SCHEMA " + r.schema());
                }
            }
        }
    }

    private void cleanUp(List<String> slots, List<String> ourTopics, List<String> refTopics, List<String> txTopics) throws Exception {
        try (Connection c = env.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            dropSlots(c, slots);
            st.execute("DROP PUBLICATION IF EXISTS " + PUBLICATION);
            st.execute("DROP TABLE IF EXISTS bench_probe");
        }
        kafka.delete(ourTopics);
        kafka.delete(refTopics);
        kafka.delete(txTopics);
        dropWarehouseSchemas(false);
    }
}
