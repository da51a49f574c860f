package io.cdcflow.e2e;

import io.cdcflow.testkit.StackEndpoints;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sustained write load on the inventory tables for the fault suite: calls {@code faults_workload(k)} (one
 * transaction, see {@code faults-workload.sql}) at a target rate until a number of changes is committed, counting
 * the changes committed. While the source is unreachable (it is being restarted) it reconnects and goes on; a call
 * that failed committed nothing (unless the connection broke after the commit, before its answer), so the count is
 * exact but for that rare case.
 */
final class FaultWorkload {

    private static final int LOOPS_PER_CALL = 3;

    private final StackEndpoints stack;
    private final AtomicLong committed = new AtomicLong();

    FaultWorkload(StackEndpoints stack) {
        this.stack = stack;
    }

    /** Changes committed so far, over every run. */
    long committed() {
        return committed.get();
    }

    /** Starts committing {@code changes} more changes at about {@code perSecond}; the future ends when all are in. */
    CompletableFuture<Void> run(long changes, int perSecond) {
        return run(changes, perSecond, () -> false);
    }

    /**
     * Starts committing at about {@code perSecond} until {@code changes} more changes are in and {@code keepGoing}
     * says no more: a scenario keeps its load running for as long as its fault lasts, however long that is.
     */
    CompletableFuture<Void> run(long changes, int perSecond, java.util.function.BooleanSupplier keepGoing) {
        long target = committed.get() + changes;
        // A thread of its own: the common pool may have a single worker on a small machine, which a load that
        // lasts as long as a fault would hold while the fault's repair waits for a worker.
        return CompletableFuture.runAsync(() -> {
            long start = System.nanoTime();
            long done = 0;
            Connection c = null;
            try {
                while (committed.get() < target || keepGoing.getAsBoolean()) {
                    try {
                        if (c == null) {
                            c = connect();
                        }
                        int n = call(c);
                        committed.addAndGet(n);
                        done += n;
                    } catch (SQLException e) {
                        // The source is down or restarting: the call's transaction did not commit; connect again.
                        close(c);
                        c = null;
                        Thread.sleep(500);
                    }
                    long ahead = Duration.ofSeconds(done).toNanos() / perSecond - (System.nanoTime() - start);
                    if (ahead > 0) {
                        Thread.sleep(Duration.ofNanos(ahead).toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("workload interrupted", e);
            } finally {
                close(c);
            }
        }, task -> Thread.ofPlatform().name("fault-workload").daemon().start(task));
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(stack.sourcePgJdbcUrl() + "?connectTimeout=5&socketTimeout=30",
                stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"));
        c.setAutoCommit(true);
        return c;
    }

    private static int call(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT faults_workload(?)")) {
            ps.setInt(1, LOOPS_PER_CALL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void close(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // The connection is already broken by the fault; nothing is left to release on the server.
            System.err.println("workload: closing a broken connection: " + e.getMessage());
        }
    }
}
