package io.cdcflow.bench.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.cdcflow.bench.stats.ProbeLatencies;

/**
 * The end-to-end probe of the whole-path part, the same for every path: a writer thread updates the source's probe
 * row ({@code bench_probe}, id 1) every {@code interval} with the next seq, one transaction each, and a poller
 * thread reads the path's warehouse copy of that row every {@code poll}; {@link ProbeLatencies} turns the two into
 * latencies. Created per path and step; owns its two threads and the source connection it is given.
 */
public final class ProbeRow implements AutoCloseable {

    private final Connection source;
    private final BacklogCopy copy;
    private final ProbeLatencies latencies = new ProbeLatencies();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicBoolean polling = new AtomicBoolean(true);
    private final Thread writer;
    private final Thread poller;
    private volatile Exception failure;

    private ProbeRow(Connection source, BacklogCopy copy, Duration interval, Duration poll) throws SQLException {
        this.source = source;
        this.copy = copy;
        source.setAutoCommit(true);
        long first = currentSeq(source) + 1;
        this.writer = Thread.ofPlatform().name("bench-probe-writer").start(() -> write(first, interval));
        this.poller = Thread.ofPlatform().name("bench-probe-poller").start(() -> poll(poll));
    }

    /** Starts writing the probe row through {@code source} and polling {@code copy}. */
    public static ProbeRow start(Connection source, BacklogCopy copy, Duration interval, Duration poll) throws SQLException {
        return new ProbeRow(source, copy, interval, poll);
    }

    /** Creates (or replaces) the source's probe table with its one row. */
    public static void createTable(Connection source) throws SQLException {
        try (Statement st = source.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_probe");
            st.execute("CREATE TABLE bench_probe (id int PRIMARY KEY, seq bigint NOT NULL, committed_ms bigint NOT NULL)");
            // Like the inventory tables (capture-service requires it of the tables it reads by default).
            st.execute("ALTER TABLE bench_probe REPLICA IDENTITY FULL");
            st.execute("INSERT INTO bench_probe VALUES (1, 0, 0)");
        }
    }

    private static long currentSeq(Connection source) throws SQLException {
        try (Statement st = source.createStatement(); ResultSet rs = st.executeQuery("SELECT seq FROM bench_probe WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void write(long first, Duration interval) {
        long startNs = System.nanoTime();
        try (PreparedStatement update = source.prepareStatement("UPDATE bench_probe SET seq = ?, committed_ms = ? WHERE id = 1")) {
            for (long seq = first; writing.get(); seq++) {
                long now = System.currentTimeMillis();
                latencies.committing(seq, now);
                update.setLong(1, seq);
                update.setLong(2, now);
                update.executeUpdate();
                latencies.committed(seq, System.currentTimeMillis());
                long dueNs = startNs + (seq - first + 1) * interval.toNanos();
                long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0) {
                    LockSupport.parkNanos(waitNs);
                }
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
    }

    private void poll(Duration every) {
        long seen = -1;
        try {
            while (polling.get()) {
                long seq = copy.probeSeq();
                if (seq > seen) {
                    latencies.seen(seq, System.currentTimeMillis());
                    seen = seq;
                }
                LockSupport.parkNanos(every.toNanos());
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
    }

    public ProbeLatencies latencies() {
        return latencies;
    }

    /** Stops the writer, then waits up to {@code timeout} for the copy to show its last update. */
    public void finish(Duration timeout) throws Exception {
        writing.set(false);
        writer.join(10_000);
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (latencies.unseen() > 0 && System.currentTimeMillis() < deadline && failure == null) {
            Thread.sleep(50);
        }
        checkFailure();
    }

    /** Fails with what stopped a thread, when one stopped on an error. */
    public void checkFailure() throws Exception {
        if (failure != null) {
            throw new IllegalStateException("the probe of " + copy.name() + " failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws Exception {
        writing.set(false);
        polling.set(false);
        writer.join(10_000);
        poller.join(10_000);
        source.close();
    }
}
