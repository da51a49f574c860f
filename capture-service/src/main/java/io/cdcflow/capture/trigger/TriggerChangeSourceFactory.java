package io.cdcflow.capture.trigger;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.TriggerSnapshotMode;
import io.cdcflow.capture.jdbc.JdbcSource;
import io.cdcflow.capture.jdbc.JdbcSources;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.ChangeSourceFactory;
import io.cdcflow.capture.state.CaptureStates;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Creates {@link TriggerChangeSource}s. At start-up it checks a source's configuration and its tables against the
 * database (missing table, no primary key, rights to install the change log), failing start-up with the property
 * named; restarts after a failure skip the checks (the source re-reads the tables when it runs).
 */
@ApplicationScoped
public class TriggerChangeSourceFactory implements ChangeSourceFactory {

    private final CaptureConfig capture;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final CaptureStates states;

    TriggerChangeSourceFactory(CaptureConfig capture, KafkaChangePublisher publisher, CaptureMetrics metrics,
                               CaptureStates states) {
        this.capture = capture;
        this.states = states;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Override
    public CaptureStrategy strategy() {
        return CaptureStrategy.trigger;
    }

    @Override
    public Supplier<ChangeSource> prepare(String name, SourceConfig config) {
        SourceConfig.Trigger trigger = config.trigger();
        String prefix = JdbcSources.prefix(name) + "trigger.";
        JdbcSource source = JdbcSources.from(name, config, "trigger", trigger.pollInterval(), trigger.batchSize());
        String namespace = trigger.schema().orElse(config.kind() == DatabaseKind.postgresql ? "cdc" : config.database());
        try {
            TableId.requireIdentifier(namespace);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "schema: " + e.getMessage(), e);
        }
        if (trigger.maxAge().isNegative() || trigger.maxAge().isZero()) {
            throw new IllegalArgumentException(prefix + "max-age must be positive");
        }
        ChangeLog changeLog = ChangeLog.of(source.dialect(), namespace);
        JdbcSources.checkTables(source, shape -> {
            if (config.kind() != DatabaseKind.postgresql) {
                try {
                    MariaDbChangeLog.triggerName(shape.id(), "_ai");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(JdbcSources.prefix(name) + "tables: " + e.getMessage(), e);
                }
            }
        });
        if (trigger.install()) {
            try (Connection c = source.connect()) {
                changeLog.checkCanInstall(c, source.tables());
            } catch (SQLException e) {
                throw new IllegalStateException(JdbcSources.prefix(name) + "user: cannot install the trigger change log: "
                        + e.getMessage() + " (or install it beforehand and set " + prefix + "install=false)", e);
            }
        }
        return () -> new TriggerChangeSource(source, changeLog, trigger.install(), trigger.maxAge(),
                trigger.snapshot() == TriggerSnapshotMode.initial, capture.stateDir(), states.of(name, config),
                batch -> {
                    long started = System.currentTimeMillis();
                    publisher.publish(batch);
                    metrics.published(name, batch, started);
                });
    }
}
