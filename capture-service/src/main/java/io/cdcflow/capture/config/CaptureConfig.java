package io.cdcflow.capture.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.util.Map;

/** The capture-service configuration ({@code cdc.capture.*}): where to publish, where to keep state, and the sources. */
@ConfigMapping(prefix = "cdc.capture")
public interface CaptureConfig {

    /**
     * Kafka bootstrap servers the raw change events are published to; {@code application.properties} reads it from
     * {@code CDC_KAFKA_BOOTSTRAP}, which every service shares, and defaults it to the local stack's broker.
     */
    String kafkaBootstrapServers();

    /** Extra Kafka producer properties (security settings such as {@code security.protocol}, SASL, TLS), passed through as they are. */
    @WithName("kafka")
    Map<String, String> kafkaProperties();

    /** Folder where each source keeps its offsets and schema history; must survive restarts (a volume in Kubernetes). */
    @WithDefault("target/capture-state")
    Path stateDir();

    /**
     * The compacted Kafka topic where sources with {@code state-store=kafka} keep their own state, one record per
     * source and piece of state; sources share it. Created when absent (one partition, replication from the broker's
     * defaults); an existing topic must be compacted.
     */
    @WithDefault("cdcflow-capture-state")
    String stateTopic();

    /** Take a lock in each source database so that only one instance captures it; others wait as standbys. */
    @WithDefault("true")
    boolean leaderLock();

    /**
     * How often a standby tries to take a source's lock, and the holder checks it still has it; a holder silent for
     * three intervals (at least 10 s) loses the lock (the idle timeout of its session).
     */
    @WithDefault("5s")
    java.time.Duration leaderLockInterval();

    /** The sources to capture, by logical name; the name becomes the topic prefix and {@code source.name}. */
    Map<String, SourceConfig> sources();
}
