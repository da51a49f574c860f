package io.cdcflow.search.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The search-sink configuration ({@code cdc.sink.*}); checked at start-up by {@link SearchSinkConfigValidator}. */
@ConfigMapping(prefix = "cdc.sink")
public interface SearchSinkConfig {

    /** Regular expression of the topics consumed (read by the {@code changes} channel in application.properties). */
    @WithDefault("validated\\..*")
    String topicsPattern();

    /** Topic that records which can never be applied are written to. */
    @WithDefault("cdc.dlq")
    String deadLetterTopic();

    /** Base URL of the schema registry (Confluent API) that {@code cdc.schema.id} headers refer to. */
    @WithDefault("http://127.0.0.1:18081")
    String registryUrl();

    /** Time allowed for one schema registry request. */
    @WithDefault("5s")
    Duration registryTimeout();

    /** The OpenSearch cluster. */
    OpenSearch opensearch();

    /** Index naming and settings. */
    Index index();

    /** Retries while OpenSearch (or the registry) is unavailable. */
    Retry retry();

    /** Bulk request sizing. */
    Bulk bulk();

    /** Where OpenSearch is and how to talk to it. */
    interface OpenSearch {

        /** Base URL of one OpenSearch node, {@code http(s)://host:port}. */
        @WithDefault("http://127.0.0.1:19200")
        String url();

        /** User for HTTP Basic authentication; none when absent. */
        Optional<String> username();

        /** Password for HTTP Basic authentication; from an environment variable or a mounted secret. */
        Optional<String> password();

        /** Time allowed to open a connection. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Time allowed for one response (a bulk request included). */
        @WithDefault("60s")
        Duration responseTimeout();
    }

    /** How index names and settings are chosen for a table. */
    interface Index {

        /** Prefix of the default index name {@code <prefix>-<source>.<namespace>.<table>} (lower-cased). */
        @WithDefault("cdc")
        String prefix();

        /** Explicit index names per table, keyed by {@code <source>.<namespace>.<table>} (quote the key). */
        Map<String, String> names();

        /** Suffix of the filtered alias that hides tombstones; search {@code <index><suffix>}. */
        @WithDefault("-live")
        String liveAliasSuffix();

        /** Primary shards of an index the sink creates. */
        @WithDefault("1")
        int shards();

        /** Replicas of an index the sink creates (0 suits the single-node local stack). */
        @WithDefault("0")
        int replicas();
    }

    /** Exponential backoff while a store is unavailable. */
    interface Retry {

        /** First wait after a failure. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /** Longest wait between two attempts. */
        @WithDefault("30s")
        Duration maxBackoff();
    }

    /** Limits of one bulk request; a batch larger than either is sent in several requests. */
    interface Bulk {

        /** Most operations in one bulk request. */
        @WithDefault("1000")
        int maxActions();

        /** Most bytes of documents in one bulk request. */
        @WithDefault("10000000")
        long maxBytes();
    }
}
