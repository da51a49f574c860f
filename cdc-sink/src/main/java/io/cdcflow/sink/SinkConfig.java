package io.cdcflow.sink;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * What every sink is configured with ({@code cdc.sink.*}); each sink module adds only its store's group
 * ({@code cdc.sink.redis}, {@code cdc.sink.opensearch}, {@code cdc.sink.warehouse}). Checked at start-up by
 * {@link SinkConfigValidator}. The Kafka side is the {@code changes} and {@code dlq} channels, configured once for
 * every sink in cdc-sink's {@code META-INF/microprofile-config.properties}.
 */
@ConfigMapping(prefix = "cdc.sink")
public interface SinkConfig {

    /** The sink's name: its consumer group, the {@code sink} tag of its meters, the {@code cdc.dlq.service} header. */
    String name();

    /** Regular expression of the topics consumed. */
    @WithDefault("validated\\..*")
    String topicsPattern();

    /** The dead-letter topic for records that can never be applied. */
    @WithDefault("cdc.dlq")
    String deadLetterTopic();

    /**
     * The compacted topic of operators' pauses of one sink for one table ({@link io.cdcflow.model.SinkPause}), which
     * every instance follows; the console writes it.
     */
    @WithDefault("cdc.sink.control")
    String controlTopic();

    /** Retries while the store (or Kafka, for dead letters, or the registry) is unavailable. */
    Retry retry();

    /** The schema registry whose ids the {@code cdc.schema.id} headers refer to. */
    Registry registry();

    /** Exponential backoff while something the sink needs is unavailable. */
    interface Retry {

        /** First wait after a failure. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /** Longest wait between two attempts; the wait doubles from the first up to this. */
        @WithDefault("30s")
        Duration maxBackoff();
    }

    /** The schema registry (Confluent REST API). */
    interface Registry {

        /** Its base URL; required by the sinks that read column types from it (warehouse, search). */
        Optional<String> url();

        /** Time allowed for one request. */
        @WithDefault("5s")
        Duration timeout();
    }
}
