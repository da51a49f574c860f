package io.cdcflow.capture.source;

import io.cdcflow.capture.leader.LeaderLock;
import io.cdcflow.capture.source.CaptureRunner.SourceState;
import io.cdcflow.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps one source running on the thread that calls {@link #run()}, in this order, until {@link #stop()}:
 * <ol>
 *   <li>with a leader lock, waits (state {@code STANDBY}) until this instance holds it;</li>
 *   <li>applies a requested repair (its {@link RepairRecorder} raises the source's generation);</li>
 *   <li>runs the source ({@code RUNNING}); with a lock, a watch stops the source when the lock's session is lost;</li>
 *   <li>when the source stopped for a repair, starts a new one at once; when it failed ({@code FAILED}, the
 *   failure kept for the health check, the error counter raised) or stopped on its own, waits out an exponential
 *   backoff, cut short by a repair request, and starts a new one, from its last committed position. A source that
 *   ran longer than the longest backoff starts the backoff again from the first wait.</li>
 * </ol>
 * Nothing is swallowed: every failure is logged, counted and shown until the source runs again.
 */
final class SourceSupervisor implements Runnable {

    private static final Logger LOG = Logger.getLogger(SourceSupervisor.class);

    /** The waits of a supervisor: the first and the longest backoff, and how often the leader lock is checked. */
    record Timing(Duration firstBackoff, Duration maxBackoff, Duration leaderLockInterval) {
    }

    /** Records a repair of some tables (raises the source's generation) before the source starts again. */
    @FunctionalInterface
    interface RepairRecorder {
        void record(Set<String> tables) throws IOException;
    }

    private final String name;
    private final Supplier<ChangeSource> factory;
    private final Optional<LeaderLock> lock;
    private final Timing timing;
    private final RepairRecorder repairs;
    private final Counter errors;
    /** Released by a repair request, so that a source waiting out its backoff restarts for it at once. */
    private final Semaphore wakeup = new Semaphore(0);
    private final Set<String> pendingRepair = new LinkedHashSet<>();
    private volatile SourceState state = SourceState.STARTING;
    private volatile ChangeSource running;
    private volatile String failure;
    private volatile boolean stopping;
    private ChangeSource next;

    /**
     * @param first   the source to run first (created at start-up, so that its configuration errors stop the start)
     * @param factory creates the source again after a failure or a repair
     * @param lock    the source's leader lock, when instances elect one to capture it
     */
    SourceSupervisor(String name, ChangeSource first, Supplier<ChangeSource> factory, Optional<LeaderLock> lock,
                     Timing timing, RepairRecorder repairs, Counter errors) {
        this.name = name;
        this.next = first;
        this.factory = factory;
        this.lock = lock;
        this.timing = timing;
        this.repairs = repairs;
        this.errors = errors;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(timing.firstBackoff(), timing.maxBackoff());
        Duration wait = timing.firstBackoff();
        ChangeSource source = next;
        while (!stopping && source != null) {
            if (lock.isPresent() && !awaitLeadership(lock.get())) {
                break;
            }
            if (!applyRepair()) {
                break;
            }
            running = source;
            state = SourceState.RUNNING;
            failure = null;
            long started = System.nanoTime();
            try (LeadershipWatch watch = lock.map(l -> new LeadershipWatch(l, running)).orElse(null)) {
                source.run();
                if (stopping) {
                    break;
                }
                if (repairRequested()) {
                    LOG.infof("source %s stopped for its repair; restarting it in a new generation", name);
                    source = recreate(wait);
                    continue;
                }
                LOG.warnf("source %s stopped on its own; restarting", name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (stopping) {
                    // Interrupted by the shutdown in the middle of a step: nothing failed, the step is redone at start.
                    LOG.debugf(e, "source %s stopped in the middle of a step by the shutdown", name);
                    break;
                }
                errors.increment();
                failure = describe(e);
                LOG.errorf(e, "source %s failed; restarting from its last committed position", name);
            }
            state = SourceState.FAILED;
            if (System.nanoTime() - started > timing.maxBackoff().toNanos()) {
                backoff.reset(); // it ran well for a while: this is a new failure, not the same one again
            }
            wait = backoff.next();
            try {
                awaitBackoff(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            source = recreate(wait);
        }
        lock.ifPresent(LeaderLock::close);
        state = SourceState.STOPPED;
    }

    /**
     * Asks for a repair of {@code tables}: the running source is stopped, and started again after the repair is
     * recorded; a source waiting out its backoff starts at once.
     */
    void requestRepair(Collection<String> tables) {
        synchronized (pendingRepair) {
            pendingRepair.addAll(tables);
        }
        ChangeSource source = running;
        if (source != null) {
            source.close();
        }
        wakeup.release();
    }

    /** Stops the source and ends {@link #run()}. */
    void stop() {
        stopping = true;
        ChangeSource source = running;
        if (source != null) {
            source.close();
        }
        wakeup.release();
    }

    /** RUNNING only while the running source reports that it is capturing (STARTING before). */
    SourceState state() {
        SourceState now = state;
        ChangeSource source = running;
        return now == SourceState.RUNNING && (source == null || !source.capturing()) ? SourceState.STARTING : now;
    }

    /** The last failure's message while the source is failed, else empty. */
    Optional<String> failure() {
        return state == SourceState.FAILED ? Optional.ofNullable(failure) : Optional.empty();
    }

    private boolean repairRequested() {
        synchronized (pendingRepair) {
            return !pendingRepair.isEmpty();
        }
    }

    /** Waits out a failed source's backoff, or less when a repair is asked for meanwhile (it is the way out). */
    private void awaitBackoff(Duration wait) throws InterruptedException {
        wakeup.drainPermits();
        if (!repairRequested() && !stopping && wakeup.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS) && !stopping) {
            LOG.infof("source %s: a repair was requested; restarting it now", name);
        }
    }

    /** Records a requested repair; false when that failed while stopping (it is retried at the next start). */
    private boolean applyRepair() {
        Set<String> tables;
        synchronized (pendingRepair) {
            if (pendingRepair.isEmpty()) {
                return true;
            }
            tables = new LinkedHashSet<>(pendingRepair);
        }
        try {
            repairs.record(tables);
            synchronized (pendingRepair) {
                pendingRepair.removeAll(tables);
            }
            LOG.infof("source %s: repair of %s recorded", name, tables);
            return true;
        } catch (IOException e) {
            LOG.errorf(e, "source %s: cannot record its repair; it is retried at the next start", name);
            return !stopping;
        }
    }

    /**
     * A new source after a failure; creating it may fail too (the database is still away), so it is retried. Null
     * only when the service is stopping.
     */
    private ChangeSource recreate(Duration wait) {
        while (!stopping) {
            try {
                return factory.get();
            } catch (RuntimeException e) {
                errors.increment();
                failure = describe(e);
                LOG.errorf("source %s cannot be recreated (%s); retrying in %s", name, e.getMessage(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return null;
    }

    /** Blocks until this instance holds the source's lock (true) or the service stops (false). */
    private boolean awaitLeadership(LeaderLock lock) {
        boolean announced = false;
        while (!stopping) {
            if (lock.held() || lock.tryAcquire()) {
                if (announced) {
                    LOG.infof("source %s: this instance took the leader lock and starts capturing", name);
                }
                return true;
            }
            if (!announced) {
                LOG.infof("source %s is captured by another instance (its leader lock is taken); standing by", name);
                announced = true;
            }
            state = SourceState.STANDBY;
            try {
                Thread.sleep(timing.leaderLockInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * The message of a failure: the innermost one that names the source (wrappers such as Debezium's engine errors
     * repeat less), or the outermost.
     */
    static String describe(Throwable e) {
        String chosen = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("source ")) {
                chosen = t.getMessage();
            }
        }
        return chosen;
    }

    /** Stops a capturing source when its lock's session is lost, so that two instances never stream at once. */
    private final class LeadershipWatch implements AutoCloseable {
        private final ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("leader-watch").factory());

        LeadershipWatch(LeaderLock lock, ChangeSource source) {
            long every = timing.leaderLockInterval().toMillis();
            timer.scheduleWithFixedDelay(() -> {
                if (!lock.held()) {
                    LOG.warnf("source %s: the leader lock's session was lost; stopping capture until it is retaken", name);
                    lock.close();
                    source.close();
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
