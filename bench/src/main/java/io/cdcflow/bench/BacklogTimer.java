package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.ManagedProcess;
import io.cdcflow.bench.report.BenchResults;

/**
 * Times a started reader through a backlog: waits until its topics hold the expected events, then takes the rate
 * from their broker append times; used by the capture and the snapshot parts.
 */
final class BacklogTimer {

    private final BenchOptions options;
    private final KafkaTopics kafka;
    private final List<String> notes;

    BacklogTimer(BenchOptions options, KafkaTopics kafka, List<String> notes) {
        this.options = options;
        this.kafka = kafka;
        this.notes = notes;
    }

    BenchResults.Throughput timeBacklog(String reader, ManagedProcess p, List<String> topics, long expected, String how)
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
}
