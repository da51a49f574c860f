package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.ChangeSourceFactory;
import io.cdcflow.capture.state.CaptureStates;
import io.cdcflow.capture.config.DatabaseKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import io.cdcflow.capture.jdbc.SqlDialect;
import org.jboss.logging.Logger;

/** Creates {@link LogChangeSource}s, checking their configuration first. */
@ApplicationScoped
public class LogChangeSourceFactory implements ChangeSourceFactory {

    private static final Logger LOG = Logger.getLogger(LogChangeSourceFactory.class);
    private static final Pattern TABLE = Pattern.compile("[^.\\s]+\\.[^.\\s]+");

    private final CaptureConfig config;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final MeterRegistry meters;
    private final CaptureStates states;
    private final Map<String, PostgresSlotLag> slotLags = new ConcurrentHashMap<>();

    LogChangeSourceFactory(CaptureConfig config, KafkaChangePublisher publisher, CaptureMetrics metrics,
                           MeterRegistry meters, CaptureStates states) {
        this.states = states;
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
        this.meters = meters;
    }

    @Override
    public CaptureStrategy strategy() {
        return CaptureStrategy.log;
    }

    @Override
    public Supplier<ChangeSource> prepare(String name, SourceConfig source) {
        String prefix = "cdc.capture.sources." + name + ".";
        if (source.tables().isEmpty()) {
            throw new IllegalArgumentException(prefix + "tables is empty: list the tables to capture as schema.table");
        }
        for (String table : source.tables()) {
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException(prefix + "tables: '" + table + "' is not of the form schema.table");
            }
        }
        io.cdcflow.capture.publish.TopicNames.requireDistinct(prefix + "tables", name, source.tables());
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cdc.capture.state-dir: cannot create " + config.stateDir(), e);
        }
        if (source.log().incrementalSnapshotChunkSize() < 1) {
            throw new IllegalArgumentException(prefix + "log.incremental-snapshot-chunk-size must be at least 1, was "
                    + source.log().incrementalSnapshotChunkSize());
        }
        Properties properties = DebeziumProperties.forSource(name, source, config);
        SignalTable signals = SignalTable.of(name, source);
        String slot = properties.getProperty("slot.name");
        // The database checks run before every start, not only the first: each skips an unreachable server, and a
        // start after a failure is when a lost slot or a dropped signal table shows.
        return () -> {
            ensureSignalTable(name, source, signals, properties);
            checkColumns(name, source);
            if (source.kind() == DatabaseKind.postgresql) {
                PostgresSourceCheck.check(name, source, slot);
                slotLags.computeIfAbsent(name, n -> new PostgresSlotLag(n, source, slot, meters));
            }
            Supplier<BinlogHistoryWatch> historyWatch = source.kind() == DatabaseKind.postgresql
                    ? null : () -> new BinlogHistoryWatch(source);
            return new LogChangeSource(name, properties, publisher, metrics, states.of(name, source), source.tables(),
                    signals, historyWatch);
        };
    }

    /**
     * Creates the signal table (and adds it to the publication) before Debezium starts; an unreachable server is
     * not a configuration problem, so it is left to the next attempt (capture retries with backoff).
     */
    private static void ensureSignalTable(String name, SourceConfig source, SignalTable signals, Properties properties) {
        try {
            signals.ensure(properties.getProperty("publication.name", ""));
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                LOG.warnf("source %s: cannot reach %s:%d to create its signal table (%s); capture will retry",
                        name, source.host(), source.port(), e.getMessage());
                return;
            }
            throw new IllegalStateException("cdc.capture.sources." + name + ".log.signal-table: cannot create "
                    + signals.dataCollection() + " or add it to the publication (" + e.getMessage()
                    + "); create it as the README shows, or grant the capture user the rights", e);
        }
    }

    /** Checks the column lists against the source's catalog; skipped, like the other checks, when it is unreachable. */
    private static void checkColumns(String name, SourceConfig source) {
        ColumnFilters filters = ColumnFilters.of(name, source);
        if (filters.lists().isEmpty()) {
            return;
        }
        SqlDialect dialect = SqlDialect.of(source.kind());
        try (Connection c = DriverManager.getConnection(dialect.jdbcUrl(source.host(), source.port(), source.database()),
                source.user(), source.password())) {
            filters.check(c);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                LOG.warnf("source %s: cannot reach %s:%d to check its column lists (%s); capture will retry",
                        name, source.host(), source.port(), e.getMessage());
                return;
            }
            throw new IllegalStateException("cannot check the column lists of source " + name + ": " + e.getMessage(), e);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        slotLags.values().forEach(PostgresSlotLag::close);
    }
}
