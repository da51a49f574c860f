package io.cdcflow.capture.source;

import io.cdcflow.capture.state.CaptureStates;
import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.leader.JdbcLeaderLock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Starts one capture thread per configured source at start-up, each a {@link SourceSupervisor} that keeps it
 * running: a source that fails (lost connection, Kafka unavailable) is restarted with exponential backoff, from its
 * last committed position, so nothing is lost and nothing is swallowed. A source is captured only while this
 * instance holds its leader lock (in the source database); otherwise it stands by. Stops every source at shutdown.
 */
@ApplicationScoped
public class CaptureRunner {

    private static final Logger LOG = Logger.getLogger(CaptureRunner.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final CaptureConfig config;
    private final Map<CaptureStrategy, ChangeSourceFactory> factories = new EnumMap<>(CaptureStrategy.class);
    private final Map<String, SourceSupervisor> supervisors = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final CaptureStates states;
    private ExecutorService threads;

    CaptureRunner(CaptureConfig config, Instance<ChangeSourceFactory> factories, MeterRegistry meters,
                  CaptureStates states) {
        this.config = config;
        this.states = states;
        this.meters = meters;
        factories.forEach(f -> this.factories.put(f.strategy(), f));
    }

    void start(@Observes StartupEvent event) {
        if (config.sources().isEmpty()) {
            throw new IllegalStateException("cdc.capture.sources is empty: configure at least one source to capture");
        }
        // Check every source's configuration before starting any, so a wrong property fails the start-up, naming it.
        Map<String, Supplier<ChangeSource>> prepared = new TreeMap<>();
        config.sources().forEach((name, source) -> {
            ChangeSourceFactory factory = factories.get(source.strategy());
            if (factory == null) {
                throw new IllegalStateException("cdc.capture.sources." + name + ".strategy=" + source.strategy()
                        + " is not available in this version (available: " + factories.keySet() + ")");
            }
            prepared.put(name, factory.prepare(name, source));
        });
        threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("capture-", 0).factory());
        SourceSupervisor.Timing timing = new SourceSupervisor.Timing(FIRST_BACKOFF, MAX_BACKOFF,
                config.leaderLockInterval());
        prepared.forEach((name, sources) -> {
            SourceConfig source = config.sources().get(name);
            Counter errors = meters.counter("cdc.capture.errors", "source", name); // exported from the start, at 0
            SourceSupervisor supervisor = new SourceSupervisor(name, sources.get(), sources,
                    config.leaderLock() ? Optional.of(new JdbcLeaderLock(name, source,
                            JdbcLeaderLock.sessionTimeout(config.leaderLockInterval()))) : Optional.empty(), timing,
                    tables -> recordRepair(name, source, tables), errors);
            supervisors.put(name, supervisor);
            meters.gauge("cdc.capture.source.up", List.of(Tag.of("source", name)), supervisor,
                    s -> s.state() == SourceState.RUNNING ? 1 : 0);
            threads.submit(supervisor);
            LOG.infof("capturing source %s (%s, %s) tables %s", name, source.strategy(), source.kind(), source.tables());
        });
    }

    /**
     * Asks for a repair of {@code tables} of a source (qualified as configured): the source stops, its generation is
     * raised ({@link SourceGeneration}), and it starts again reading those tables anew, then sweeps them. Applied by
     * the source's own thread between two runs, so nothing else writes its state meanwhile.
     *
     * @return false when this instance does not capture the source (another instance holds its leader lock)
     */
    public boolean repair(String name, Collection<String> tables) {
        SourceSupervisor supervisor = supervisors.get(name);
        if (supervisor == null || supervisor.state() == SourceState.STANDBY) {
            return false;
        }
        supervisor.requestRepair(tables);
        return true;
    }

    private void recordRepair(String name, SourceConfig source, Set<String> tables) throws IOException {
        SourceGeneration generation = SourceGeneration.load(states.of(name, source), name, source.strategy(),
                source.tables());
        generation.raise(tables);
        LOG.infof("source %s: repair of %s: generation %d", name, tables, generation.generation());
    }

    /**
     * The message of each failed source's last failure, the innermost one that names the source (wrappers such as
     * Debezium's engine errors repeat less), or the outermost.
     */
    public Map<String, String> failures() {
        Map<String, String> now = new TreeMap<>();
        supervisors.forEach((name, s) -> s.failure().ifPresent(f -> now.put(name, f)));
        return now;
    }

    public static String describe(Throwable e) {
        return SourceSupervisor.describe(e);
    }

    /** The state of each source, for health checks: RUNNING only while its source reports it is capturing. */
    public Map<String, SourceState> states() {
        Map<String, SourceState> now = new TreeMap<>();
        supervisors.forEach((name, s) -> now.put(name, s.state()));
        return now;
    }

    void stop(@Observes ShutdownEvent event) {
        supervisors.values().forEach(SourceSupervisor::stop);
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** Where a source is in its life. */
    public enum SourceState {
        STARTING, RUNNING, STANDBY, FAILED, STOPPED
    }
}
