package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;
import static io.cdcflow.bench.SourceDatabase.dropSlots;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.ManagedProcess;
import io.cdcflow.bench.reader.SourceReaders;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.workload.WorkloadGenerator;

/**
 * The snapshot part: a fresh table read in full by capture-service's log strategy (initial snapshot), by Debezium
 * on Kafka Connect and by the timestamp strategy's first poll; drops the table, its slots and topics when done.
 */
final class SnapshotRatePart {

    private final BenchEnv env;
    private final BenchOptions options;
    private final SourceReaders readers;
    private final KafkaTopics kafka;
    private final BacklogTimer timer;

    SnapshotRatePart(BenchEnv env, BenchOptions options, SourceReaders readers, KafkaTopics kafka, List<String> notes) {
        this.env = env;
        this.options = options;
        this.readers = readers;
        this.kafka = kafka;
        this.timer = new BacklogTimer(options, kafka, notes);
    }

    List<BenchResults.Snapshot> run() throws Exception {
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
                    "log.slot-name", "bench_snap", "log.publication-name", "bench_snap_pub", "log.snapshot-mode", "initial"))) {
                BenchResults.Throughput t = timer.timeBacklog("cdcflow-log snapshot", p, ours, rows, "");
                out.add(new BenchResults.Snapshot("cdcflow-log", rows, t.events(), t.eventsPerSecond(), t.startupMs()));
            }
            try (ManagedProcess p = readers.connect("benchsnapdbz", "public.bench_snapshot", "bench_snap_dbz", "bench_snap_pub",
                    "initial", false)) {
                BenchResults.Throughput t = timer.timeBacklog("debezium-connect snapshot", p, dbz, rows, "");
                out.add(new BenchResults.Snapshot("debezium-connect", rows, t.events(), t.eventsPerSecond(), t.startupMs()));
            }
            List<String> ts = List.of("benchsnapts.public.bench_snapshot");
            kafka.recreate(ts, 3);
            try (ManagedProcess p = readers.captureService("benchsnapts", "public.bench_snapshot", Map.of("strategy", "timestamp"))) {
                BenchResults.Throughput t = timer.timeBacklog("cdcflow-timestamp first poll", p, ts, rows, "");
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
}
