package io.cdcflow.search.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenSearch cluster, its indices and bulk sizing ({@code cdc.sink.opensearch.*}, the search-sink's own group
 * beside the shared {@code cdc.sink.*} of cdc-sink); checked at start-up by {@link OpenSearchSinkConfigValidator}.
 */
@ConfigMapping(prefix = "cdc.sink.opensearch")
public interface OpenSearchSinkConfig {

    /** Base URL of one OpenSearch node, {@code http(s)://host:port}; {@code CDC_OPENSEARCH_URL} from the environment. */
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

    /** Index naming and settings. */
    Index index();

    /** Bulk request sizing. */
    Bulk bulk();

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

        /**
         * How soon writes become searchable in an index the sink creates, its refresh_interval (500ms, 5s, 1m), or
         * 'default' for OpenSearch's own (1s, paused while nobody searches); each refresh writes a segment that later
         * merges, so at 500 changes/s 1s costs OpenSearch about twice the work per change of 5s.
         */
        @WithDefault("5s")
        String refreshInterval();
    }

    /** Limits of one bulk request; a batch larger than either is sent in several requests. */
    interface Bulk {

        /** Most operations in one bulk request. */
        @WithDefault("1000")
        int maxActions();

        /** Most bytes in one bulk request, counted as sent (action and body lines); a larger operation goes alone. */
        @WithDefault("10000000")
        long maxBytes();
    }
}
