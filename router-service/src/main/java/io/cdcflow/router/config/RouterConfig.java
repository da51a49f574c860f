package io.cdcflow.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The router-service configuration ({@code cdc.router.*}). */
@ConfigMapping(prefix = "cdc.router")
public interface RouterConfig {

    /**
     * Regular expression of the raw topics routed: {@code <source>.<schema>.<table>}, three dot-separated names, none
     * of them one of the platform's own prefixes.
     */
    @WithDefault("(?!validated\\.|cdc\\.|outbox\\.|__)[^.]+\\.[^.]+\\.[^.]+")
    String topicsPattern();

    /** The router's consumer group. */
    @WithDefault("router-service")
    String group();

    /** Most records routed per batch (and per commit). */
    @WithDefault("500")
    int maxPollRecords();

    /** Compacted topic holding the paused tables, shared by every router instance. */
    @WithDefault("cdc.router.control")
    String controlTopic();

    /**
     * What to do when a table's new schema is incompatible with its registered versions (a narrowed or changed type,
     * a changed primary key): {@code new-version} (register it anyway as the next version, logged and counted),
     * {@code dead-letter} or {@code pause}.
     */
    @WithDefault("new-version")
    SchemaChangePolicy schemaChangePolicy();

    /** The policy of particular tables, keyed by raw topic (quote the key): overrides {@code schema-change-policy}. */
    Map<String, SchemaChangePolicy> schemaChangePolicies();

    /**
     * Regular expression of the topics whose rows, flattened by Debezium's unwrap transform without position fields,
     * may be ordered by their Kafka offset (a weaker guarantee: a re-created topic starts its offsets again); none
     * by default, and such rows are dead-lettered with the fix in their reason.
     */
    Optional<String> offsetPositionTopics();

    /** Who may change the router's state through its API (pause, resume, accept a schema). */
    Api api();

    /** Prefix put before a raw topic's name to form the validated topic the sinks read. */
    @WithDefault("validated.")
    String validatedTopicPrefix();

    /**
     * How validated values are written, in the Confluent wire format (magic byte 0, the schema id, the payload) so
     * that Confluent's deserializers read them: {@code json} (JSON text under a JSON Schema) or {@code avro} (Avro
     * binary under the table's Avro schema); the schema is registered under {@code <validated topic>-value}.
     */
    @WithDefault("json")
    ValueFormat valueFormat();

    /**
     * How validated keys are written: {@code plain} (the key as it came, a JSON object of the key columns) or
     * {@code framed} (the Confluent wire format in {@code value-format}, under {@code <validated topic>-key}).
     */
    @WithDefault("plain")
    KeyFormat keyFormat();

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

    /** The router's write API. */
    interface Api {

        /**
         * Accepted HTTP Basic credentials as {@code user:password}, comma-separated; without any, the write API
         * answers 403.
         */
        Optional<java.util.List<String>> users();
    }

    /** How the router talks to the schema registry. */
    interface Registry {

        /** Base URL of a registry speaking the Confluent Schema Registry API; {@code CDC_REGISTRY_URL} from the environment. */
        String url();

        /** User for HTTP Basic authentication on writes; none when absent. */
        Optional<String> username();

        /** Password for HTTP Basic authentication; from an environment variable or a mounted secret. */
        Optional<String> password();

        /** Time allowed for one registry request. */
        @WithDefault("5s")
        Duration timeout();

        /** First wait after a failed registry request; the wait doubles up to {@code max-backoff}. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /** Longest wait between two attempts while the registry is unavailable. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** How long a schema the registry refused is remembered before it is offered again. */
        @WithDefault("60s")
        Duration rejectionTtl();
    }
}
