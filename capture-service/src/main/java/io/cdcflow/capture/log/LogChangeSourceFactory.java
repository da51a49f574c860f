package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.publish.KafkaChangePublisher;
import io.cdcflow.capture.source.CaptureMetrics;
import io.cdcflow.capture.source.ChangeSource;
import io.cdcflow.capture.source.ChangeSourceFactory;
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
import java.util.regex.Pattern;

/** Creates {@link LogChangeSource}s, checking their configuration first. */
@ApplicationScoped
public class LogChangeSourceFactory implements ChangeSourceFactory {

    private static final Pattern TABLE = Pattern.compile("[^.\\s]+\\.[^.\\s]+");

    private final CaptureConfig config;
    private final KafkaChangePublisher publisher;
    private final CaptureMetrics metrics;
    private final MeterRegistry meters;
    private final Map<String, PostgresSlotLag> slotLags = new ConcurrentHashMap<>();

    LogChangeSourceFactory(CaptureConfig config, KafkaChangePublisher publisher, CaptureMetrics metrics,
                           MeterRegistry meters) {
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
    public ChangeSource create(String name, SourceConfig source) {
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
        Properties properties = DebeziumProperties.forSource(name, source, config.stateDir());
        if (source.kind() == DatabaseKind.postgresql) {
            PostgresSourceCheck.check(name, source, properties.getProperty("slot.name"));
            slotLags.computeIfAbsent(name, n -> new PostgresSlotLag(n, source, properties.getProperty("slot.name"), meters));
        }
        return new LogChangeSource(name, properties, publisher, metrics);
    }

    void stop(@Observes ShutdownEvent event) {
        slotLags.values().forEach(PostgresSlotLag::close);
    }
}
