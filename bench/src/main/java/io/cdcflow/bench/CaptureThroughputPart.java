package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;
import static io.cdcflow.bench.SourceDatabase.createSlot;
import static io.cdcflow.bench.SourceDatabase.currentLsn;
import static io.cdcflow.bench.SourceDatabase.dropSlots;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.ManagedProcess;
import io.cdcflow.bench.reader.SourceReaders;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.workload.WorkloadGenerator;
import io.cdcflow.bench.workload.WorkloadResult;
import io.cdcflow.bench.workload.WorkloadSpec;

/**
 * The capture part: one backlog written with every reader stopped, each on a slot of its own, then worked off by
 * capture-service (log strategy), Debezium on Kafka Connect (as shipped, and with capture-service's producer
 * settings) and pg_recvlogical in turn; then the trigger strategy on a second backlog written through its triggers.
 * Drops its slots, publication, trigger schema and topics when done.
 */
final class CaptureThroughputPart {

    private static final String TABLES = "public.products,public.customers";

    /** The trigger source of the capture part; its change log lives in a schema of its own, dropped afterwards. */
    private static final Map<String, String> TRIGGER_SOURCE = Map.of("strategy", "trigger", "trigger.schema", "bench_trg",
            // The backlog alone is measured: the rows the tables held before are not read.
            "trigger.snapshot", "never");

    private final BenchEnv env;
    private final BenchOptions options;
    private final SourceReaders readers;
    private final KafkaTopics kafka;
    private final List<String> notes;
    private final BacklogTimer timer;
    private final RecvLogicalTimer recvLogical;

    CaptureThroughputPart(BenchEnv env, BenchOptions options, SourceReaders readers, KafkaTopics kafka, List<String> notes) {
        this.env = env;
        this.options = options;
        this.readers = readers;
        this.kafka = kafka;
        this.notes = notes;
        this.timer = new BacklogTimer(options, kafka, notes);
        this.recvLogical = new RecvLogicalTimer(readers);
    }

    List<BenchResults.Throughput> run() throws Exception {
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
            try (ManagedProcess p = readers.captureService("benchlog", TABLES, Map.of("strategy", "log", "log.slot-name", "bench_log",
                    "log.publication-name", "bench_pub", "log.snapshot-mode", "no_data"))) {
                out.add(timer.timeBacklog("cdcflow-log", p, ours, written.changes(), how + "; capture-service, log strategy"));
            }
            try (ManagedProcess p = readers.connect("benchdbz", TABLES, "bench_dbz", "bench_pub", "no_data", false)) {
                out.add(timer.timeBacklog("debezium-connect", p, dbz.subList(0, 2), written.changes(), how
                        + "; Debezium 3.5.0.Final PostgreSQL connector on Kafka Connect 4.1.2 standalone, same converter settings,"
                        + " Connect's and Debezium's other settings as shipped"));
            }
            // The same reference with capture-service's producer settings and hand-over interval, so that the ratio
            // measures the code rather than the tuning.
            try (ManagedProcess p = readers.connect("benchdbzt", TABLES, "bench_dbzt", "bench_pub", "no_data", true)) {
                out.add(timer.timeBacklog("debezium-connect-tuned", p, dbz.subList(2, 4), written.changes(), how
                        + "; the same, with capture-service's producer settings (" + SourceReaders.CAPTURE_PRODUCER
                        + ") and poll.interval.ms=" + SourceReaders.CAPTURE_POLL_INTERVAL_MS));
            }
            out.add(recvLogical.recvLogical(written.changes(), endLsn));
            // The trigger strategy on a second backlog of the same kind, written with its triggers in place: in the
            // first one, the change log's rows would have doubled the WAL the log readers decode.
            dropSlots(c, slots);
            installTriggers(c);
            WorkloadResult logged = new WorkloadGenerator(c).run(WorkloadSpec.mixed(0, null, backlog));
            c.setAutoCommit(true);
            log("capture: second backlog written through the triggers (%,d changes, %.0f changes/s)", logged.changes(),
                    logged.ratePerSecond());
            try (ManagedProcess p = readers.captureService("benchtrg", TABLES, TRIGGER_SOURCE)) {
                out.add(timer.timeBacklog("cdcflow-trigger", p, trg, logged.changes(), how + "; capture-service, trigger"
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
}
