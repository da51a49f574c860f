package io.cdcflow.cache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Redis layout and how the sink talks to Redis ({@code cdc.sink.redis.*}, the cache-sink's own group beside the
 * shared {@code cdc.sink.*} of cdc-sink); defaults aim at the local stack. Checked at start-up by
 * {@link RedisSinkConfigValidator}. The Redis connection itself is the Quarkus Redis client
 * ({@code quarkus.redis.hosts}).
 */
@ConfigMapping(prefix = "cdc.sink.redis")
public interface RedisSinkConfig {

    /** First segment of every key the sink writes: {@code <prefix>:<source>.<namespace>.<table>:<row key>}. */
    @WithDefault("cdc")
    String keyPrefix();

    /** How long a delete's tombstone (and a truncate's watermark) is kept; 0 keeps it for ever. */
    @WithDefault("24h")
    Duration tombstoneTtl();

    /** Optional expiry of live rows per table, keyed by {@code <source>.<namespace>.<table>} (quote the key). */
    Map<String, Duration> rowTtl();

    /** Optional column selection per table (the columns kept in {@code row}), keyed like {@code row-ttl}. */
    Map<String, List<String>> fields();

    /** Most script calls sent on one connection before awaiting their replies. */
    @WithDefault("500")
    int pipelineSize();

    /** Keys asked for per SCAN step while a truncate tombstones a table's rows. */
    @WithDefault("500")
    int scanCount();

    /** Time allowed for the replies of one pipeline (or one SCAN step) before Redis counts as unavailable. */
    @WithDefault("10s")
    Duration timeout();
}
