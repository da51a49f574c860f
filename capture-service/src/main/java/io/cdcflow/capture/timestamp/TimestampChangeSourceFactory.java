package io.cdcflow.capture.timestamp;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.jdbc.ConnectColumnType;
import io.cdcflow.capture.jdbc.JdbcSource;
import io.cdcflow.capture.jdbc.JdbcSources;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.ChangeSourceFactory;
import io.cdcflow.capture.state.CaptureStates;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Creates {@link TimestampChangeSource}s. At start-up it checks a source's tables against the database (missing
 * table, no primary key, timestamp or creation column missing or not a timestamp), failing start-up with the
 * property named, and logs once what this strategy cannot see.
 */
@ApplicationScoped
public class TimestampChangeSourceFactory implements ChangeSourceFactory {

    private static final Logger LOG = Logger.getLogger(TimestampChangeSourceFactory.class);

    private final CaptureConfig config;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final CaptureStates states;

    TimestampChangeSourceFactory(CaptureConfig config, KafkaChangePublisher publisher, CaptureMetrics metrics,
                                 CaptureStates states) {
        this.states = states;
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Override
    public CaptureStrategy strategy() {
        return CaptureStrategy.timestamp;
    }

    @Override
    public Supplier<ChangeSource> prepare(String name, SourceConfig source) {
        SourceConfig.Timestamp timestamp = source.timestamp();
        String prefix = JdbcSources.prefix(name) + "timestamp.";
        JdbcSource jdbc = JdbcSources.from(name, source, "timestamp", timestamp.pollInterval(), timestamp.batchSize());
        requireIdentifier(prefix + "column", timestamp.column());
        requireIdentifier(prefix + "deleted-column", timestamp.deletedColumn());
        timestamp.createdColumn().ifPresent(c -> requireIdentifier(prefix + "created-column", c));
        if (timestamp.overlap().isNegative()) {
            throw new IllegalArgumentException(prefix + "overlap must not be negative");
        }
        JdbcSources.checkTables(jdbc, shape -> {
            var ts = shape.column(timestamp.column()).orElseThrow(() -> new IllegalArgumentException(
                    prefix + "column: table " + shape.id() + " has no column " + timestamp.column()));
            if (ts.type() != ConnectColumnType.TIMESTAMP && ts.type() != ConnectColumnType.TIMESTAMPTZ) {
                throw new IllegalArgumentException(prefix + "column: " + shape.id() + "." + ts.name()
                        + " is a " + ts.sqlType() + ", not a timestamp");
            }
            timestamp.createdColumn().ifPresent(c -> shape.column(c).orElseThrow(() -> new IllegalArgumentException(
                    prefix + "created-column: table " + shape.id() + " has no column " + c)));
        });
        warnWithoutTimestampIndex(jdbc, timestamp.column());
        LOG.infof("source %s (timestamp strategy) cannot see hard deletes (a deleted row leaves nothing to poll: "
                + "set %s instead), intermediate states between two polls (only a row's latest state is published), "
                + "rows whose transaction commits more than %s after their %s value, changes that do not "
                + "update %s, nor a changed primary key (the row under its old key stays until a repair)", name,
                timestamp.deletedColumn(), timestamp.overlap(), timestamp.column(), timestamp.column());
        TimestampChangeSource.Columns columns = new TimestampChangeSource.Columns(timestamp.column(),
                timestamp.deletedColumn(), timestamp.createdColumn());
        return () -> new TimestampChangeSource(jdbc, columns, timestamp.overlap(),
                states.of(name, source), batch -> {
                    long started = System.currentTimeMillis();
                    publisher.publish(batch);
                    metrics.published(name, batch, started);
                });
    }

    /**
     * Each poll reads {@code ORDER BY (timestamp, key)} pages; without an index that starts with the timestamp column
     * the database sorts the whole table for every page. A warning, not an error: a small table does not need one.
     */
    private static void warnWithoutTimestampIndex(JdbcSource jdbc, String column) {
        try (Connection c = jdbc.connect()) {
            DatabaseMetaData md = c.getMetaData();
            for (TableId t : jdbc.tables()) {
                boolean indexed = false;
                try (ResultSet rs = md.getIndexInfo(jdbc.dialect().catalogOf(t), jdbc.dialect().schemaOf(t), t.table(), false, true)) {
                    while (rs.next()) {
                        indexed |= rs.getShort("ORDINAL_POSITION") == 1 && column.equalsIgnoreCase(rs.getString("COLUMN_NAME"));
                    }
                }
                if (!indexed) {
                    LOG.warnf("source %s: table %s has no index that starts with %s, so every poll sorts the whole table; "
                            + "create one, e.g. CREATE INDEX ON %s (%s, <primary key>)", jdbc.name(), t, column, t, column);
                }
            }
        } catch (SQLException e) {
            LOG.warnf("source %s: could not check the indexes of %s: %s", jdbc.name(), jdbc.tables(), e.getMessage());
        }
    }

    private static void requireIdentifier(String property, String value) {
        try {
            TableId.requireIdentifier(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
