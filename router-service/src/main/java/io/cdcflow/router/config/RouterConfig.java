package io.cdcflow.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The router-service configuration ({@code cdc.router.*}). */
@ConfigMapping(prefix = "cdc.router")
public interface RouterConfig {

    /** Prefix put before a raw topic's name to form the validated topic the sinks read. */
    @WithDefault("validated.")
    String validatedTopicPrefix();

    /** The dead-letter topic for every record the router cannot accept. */
    @WithDefault("cdc.dlq")
    String deadLetterTopic();

    /** Records whose value is larger than this many bytes are dead-lettered as {@code too_large}. */
    @WithDefault("900000")
    int maxValueBytes();

    /** The schema registry. */
    Registry registry();

    /** Outbox tables, whose changes are routed as domain events rather than forwarded as row changes. */
    Outbox outbox();

    /** How outbox rows become domain events (the semantics of Debezium's EventRouter). */
    interface Outbox {

        /** Names of outbox tables (without schema); a raw topic whose table is one of these is an outbox topic. */
        @WithDefault("outboxevent")
        java.util.Set<String> tables();

        /** Topic of a routed event; the placeholder {aggregatetype} in it is replaced by the row's aggregate type. */
        @WithDefault("outbox.event.{aggregatetype}")
        String topic();

        /** Column holding the aggregate type. */
        @WithDefault("aggregatetype")
        String aggregateTypeColumn();

        /** Column holding the aggregate id, which becomes the record key. */
        @WithDefault("aggregateid")
        String aggregateIdColumn();

        /** Column holding the event id, put in header {@code id}. */
        @WithDefault("id")
        String idColumn();

        /** Column holding the event type, put in header {@code eventType}. */
        @WithDefault("type")
        String typeColumn();

        /** Column holding the payload, which becomes the record value. */
        @WithDefault("payload")
        String payloadColumn();
    }

    /** How the router talks to the schema registry. */
    interface Registry {

        /** Base URL of a registry speaking the Confluent Schema Registry API. */
        @WithDefault("http://127.0.0.1:18081")
        String url();

        /** User for HTTP Basic authentication on writes; none when absent. */
        Optional<String> username();

        /** Password for HTTP Basic authentication; from an environment variable or a mounted secret. */
        Optional<String> password();

        /** Time allowed for one registry request. */
        @WithDefault("5s")
        Duration timeout();

        /** Longest wait between two attempts while the registry is unavailable. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** How long a schema the registry refused is remembered before it is offered again. */
        @WithDefault("60s")
        Duration rejectionTtl();
    }
}
