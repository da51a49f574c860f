package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.cdcflow.bench.reader.SourceReaders;
import io.cdcflow.bench.report.BenchResults;

/** Times pg_recvlogical decoding the capture part's backlog: the decode limit, with no Kafka and no conversion. */
final class RecvLogicalTimer {

    private final SourceReaders readers;

    RecvLogicalTimer(SourceReaders readers) {
        this.readers = readers;
    }

    BenchResults.Throughput recvLogical(long expected, String endLsn) throws Exception {
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
}
