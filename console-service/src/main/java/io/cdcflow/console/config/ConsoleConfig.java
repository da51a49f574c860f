package io.cdcflow.console.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The console's settings ({@code cdc.console.*}), checked at start-up. */
@ConfigMapping(prefix = "cdc.console")
public interface ConsoleConfig {

    /** Kafka's bootstrap servers. */
    String kafkaBootstrapServers();

    /** Further Kafka client settings (TLS, SASL), passed to every client as they are. */
    Map<String, String> kafka();

    /** The dead-letter topic the services write to. */
    @WithDefault("cdc.dlq")
    String dlqTopic();

    /** The compacted topic of operators' decisions on dead letters (skipped, redriven: by whom, why, when). */
    @WithDefault("cdc.dlq.decisions")
    String decisionsTopic();

    /** The compacted topic of the sinks' table pauses ({@link io.cdcflow.model.SinkPause}), which the sinks follow. */
    @WithDefault("cdc.sink.control")
    String sinkControlTopic();

    /**
     * How often one record may be redriven: a dead letter whose {@code cdc.redrive.count} reached this is refused,
     * so a record that keeps failing cannot loop.
     */
    @WithDefault("3")
    int redriveCap();

    /** How many dead letters a list answer holds at most (the newest); the counts cover all that match. */
    @WithDefault("200")
    int listLimit();

    /** The services the console reads ({@code /q/health/ready}, {@code /q/metrics}, the router's {@code /tables}): name to base URL. */
    Map<String, String> services();

    /** How often the console reads the services and Kafka's consumer groups. */
    @WithDefault("15s")
    java.time.Duration scrapeInterval();

    /** The API's credentials. */
    Api api();

    /** Write access. */
    interface Api {
        /** {@code user:password} pairs allowed to act; without any the API is read-only. */
        Optional<List<String>> users();
    }
}
