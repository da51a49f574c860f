package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.leader.JdbcLeaderLock;
import io.cdcflow.capture.leader.LeaderLock;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts one capture thread per configured source at start-up and keeps it running: a source that fails (lost
 * connection, Kafka unavailable) is restarted with exponential backoff, from its last committed position, so
 * nothing is lost and nothing is swallowed. A source is captured only while this instance holds its leader
 * lock (in the source database); otherwise it stands by. Stops every source at shutdown.
 */
@ApplicationScoped
public class CaptureRunner {

    private static final Logger LOG = Logger.getLogger(CaptureRunner.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final CaptureConfig config;
    private final Map<CaptureStrategy, ChangeSourceFactory> factories = new EnumMap<>(CaptureStrategy.class);
    private final Map<String, SourceState> states = new ConcurrentHashMap<>();
    /** The last failure of each source, for the health check, until it runs again without one. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, ChangeSource> running = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> repairs = new ConcurrentHashMap<>();
    /** Released by a repair, so that a failed source waiting out its backoff restarts for it at once. */
    private final Map<String, java.util.concurrent.Semaphore> wakeups = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private volatile boolean stopping;
    private ExecutorService threads;

    CaptureRunner(CaptureConfig config, Instance<ChangeSourceFactory> factories, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        factories.forEach(f -> this.factories.put(f.strategy(), f));
    }

    void start(@Observes StartupEvent event) {
        if (config.sources().isEmpty()) {
            throw new IllegalStateException("cdc.capture.sources is empty: configure at least one source to capture");
        }
        // Validate every source before starting any, so a wrong property fails the start-up, naming it.
        Map<String, ChangeSourceFactory> chosen = new java.util.TreeMap<>();
        config.sources().forEach((name, source) -> {
            ChangeSourceFactory factory = factories.get(source.strategy());
            if (factory == null) {
                throw new IllegalStateException("cdc.capture.sources." + name + ".strategy=" + source.strategy()
                        + " is not available in this version (available: " + factories.keySet() + ")");
            }
            chosen.put(name, factory);
        });
        threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("capture-", 0).factory());
        chosen.forEach((name, factory) -> {
            SourceConfig source = config.sources().get(name);
            ChangeSource first = factory.create(name, source);
            states.put(name, SourceState.STARTING);
            meters.counter("cdc.capture.errors", "source", name); // exported from the start, at 0
            meters.gauge("cdc.capture.source.up", List.of(io.micrometer.core.instrument.Tag.of("source", name)), this,
                    r -> r.states().get(name) == SourceState.RUNNING ? 1 : 0);
            threads.submit(() -> keepRunning(name, factory, source, first));
            LOG.infof("capturing source %s (%s, %s) tables %s", name, source.strategy(), source.kind(), source.tables());
        });
    }

    private void keepRunning(String name, ChangeSourceFactory factory, SourceConfig config, ChangeSource first) {
        Duration backoff = FIRST_BACKOFF;
        ChangeSource source = first;
        LeaderLock lock = this.config.leaderLock() ? new JdbcLeaderLock(name, config) : null;
        while (!stopping) {
            if (lock != null && !awaitLeadership(name, lock)) {
                break;
            }
            if (!applyRepair(name, config)) {
                break;
            }
            running.put(name, source);
            states.put(name, SourceState.RUNNING);
            long started = System.nanoTime();
            try (LeadershipWatch watch = lock == null ? null : new LeadershipWatch(name, lock, source)) {
                source.run();
                if (stopping) {
                    break;
                }
                if (repairs.containsKey(name)) {
                    LOG.infof("source %s stopped for its repair; restarting it in a new generation", name);
                    source = recreate(name, factory, config, backoff);
                    continue;
                }
                LOG.warnf("source %s stopped on its own; restarting in %s", name, backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                if (stopping) {
                    // Interrupted by the shutdown in the middle of a step: nothing failed, the step is redone at start.
                    LOG.debugf(e, "source %s stopped in the middle of a step by the shutdown", name);
                    break;
                }
                meters.counter("cdc.capture.errors", "source", name).increment();
                failures.put(name, describe(e));
                LOG.errorf(e, "source %s failed; restarting from its last committed position in %s", name, backoff);
            }
            states.put(name, SourceState.FAILED);
            if (System.nanoTime() - started > MAX_BACKOFF.toNanos()) {
                backoff = FIRST_BACKOFF; // it ran well for a while: this is a new failure, not the same one again
            }
            try {
                awaitBackoff(name, backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            source = recreate(name, factory, config, backoff);
        }
        if (lock != null) {
            lock.close();
        }
        states.put(name, SourceState.STOPPED);
    }

    /**
     * Asks for a repair of {@code tables} of a source (qualified as configured): the source stops, its generation is
     * raised ({@link SourceGeneration}), and it starts again reading those tables anew, then sweeps them. Applied by
     * the source's own thread between two runs, so nothing else writes its state meanwhile.
     *
     * @return false when this instance does not capture the source (another instance holds its leader lock)
     */
    public boolean repair(String name, java.util.Collection<String> tables) {
        if (states.get(name) == SourceState.STANDBY) {
            return false;
        }
        repairs.merge(name, new java.util.LinkedHashSet<>(tables), (a, b) -> {
            a.addAll(b);
            return a;
        });
        ChangeSource source = running.get(name);
        if (source != null) {
            source.close();
        }
        wakeup(name).release();
        return true;
    }

    /** Waits out a failed source's backoff, or less when a repair is asked for meanwhile (it is the way out). */
    private void awaitBackoff(String name, Duration backoff) throws InterruptedException {
        java.util.concurrent.Semaphore wakeup = wakeup(name);
        wakeup.drainPermits();
        if (!repairs.containsKey(name)
                && wakeup.tryAcquire(backoff.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            LOG.infof("source %s: a repair was requested; restarting it now", name);
        }
    }

    private java.util.concurrent.Semaphore wakeup(String name) {
        return wakeups.computeIfAbsent(name, n -> new java.util.concurrent.Semaphore(0));
    }

    /** Raises the source's generation for a requested repair; false when that failed and the service stops. */
    private boolean applyRepair(String name, SourceConfig source) {
        java.util.Set<String> tables = repairs.get(name);
        if (tables == null) {
            return true;
        }
        try {
            SourceGeneration generation = SourceGeneration.load(config.stateDir(), name, source.strategy(),
                    source.tables());
            generation.raise(tables);
            repairs.remove(name);
            LOG.infof("source %s: repair of %s: generation %d", name, tables, generation.generation());
            return true;
        } catch (java.io.IOException e) {
            LOG.errorf(e, "source %s: cannot record its repair in %s; the repair is retried at the next start", name,
                    config.stateDir());
            return !stopping;
        }
    }

    /**
     * A new source after a failure; creating it may fail too (the database is still away), so it is retried. Null
     * only when the service is stopping.
     */
    private ChangeSource recreate(String name, ChangeSourceFactory factory, SourceConfig config, Duration backoff) {
        while (!stopping) {
            try {
                return factory.create(name, config);
            } catch (RuntimeException e) {
                meters.counter("cdc.capture.errors", "source", name).increment();
                LOG.errorf("source %s cannot be recreated (%s); retrying in %s", name, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return null; // stopping: the caller's loop ends
    }

    /** Blocks until this instance holds the source's lock (true) or the service stops (false). */
    private boolean awaitLeadership(String name, LeaderLock lock) {
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
            states.put(name, SourceState.STANDBY);
            try {
                Thread.sleep(this.config.leaderLockInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Stops a capturing source when its lock's session is lost, so that two instances never stream at once. */
    private final class LeadershipWatch implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("leader-watch").factory());

        LeadershipWatch(String name, LeaderLock lock, ChangeSource source) {
            long every = config.leaderLockInterval().toMillis();
            timer.scheduleWithFixedDelay(() -> {
                if (!lock.held()) {
                    LOG.warnf("source %s: the leader lock's session was lost; stopping capture until it is retaken", name);
                    lock.close();
                    source.close();
                }
            }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The state of each source, for health checks: RUNNING only while its source reports it is capturing. */
    /**
     * The message of each failed source's last failure, the innermost one that names the source (wrappers such as
     * Debezium's engine errors repeat less), or the outermost.
     */
    public Map<String, String> failures() {
        Map<String, String> now = new java.util.TreeMap<>(failures);
        now.keySet().removeIf(name -> states.get(name) != SourceState.FAILED);
        return now;
    }

    public static String describe(Throwable e) {
        String chosen = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().startsWith("source ")) {
                chosen = t.getMessage();
            }
        }
        return chosen;
    }

    public Map<String, SourceState> states() {
        Map<String, SourceState> now = new java.util.TreeMap<>(states);
        now.replaceAll((name, state) -> state == SourceState.RUNNING && !running.get(name).capturing()
                ? SourceState.STARTING : state);
        return now;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        running.values().forEach(ChangeSource::close);
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** Where a source is in its life. */
    public enum SourceState {
        STARTING, RUNNING, STANDBY, FAILED, STOPPED
    }
}
