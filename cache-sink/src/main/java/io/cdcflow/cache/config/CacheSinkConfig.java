package io.cdcflow.cache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The cache-sink configuration ({@code cdc.sink.*}); defaults aim at the local stack. Checked at start-up by
 * {@link CacheSinkConfigValidator}. The Redis connection itself is the Quarkus Redis client
 * ({@code quarkus.redis.hosts}), the Kafka channel {@code mp.messaging.incoming.changes.*}.
 */
@ConfigMapping(prefix = "cdc.sink")
public interface CacheSinkConfig {

    /** Regular expression of the topics consumed (also used by the {@code changes} channel). */
    @WithDefault("validated\\..*")
    String topicsPattern();

    /** The dead-letter topic for records that can never be applied. */
    @WithDefault("cdc.dlq")
    String deadLetterTopic();

    /** How rows are laid out in Redis. */
    Redis redis();

    /** Retries while Redis (or Kafka, for dead letters) is unavailable. */
    Retry retry();

    /** The Redis layout and how the sink talks to Redis. */
    interface Redis {

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

    /** Exponential backoff while a store is unavailable. */
    interface Retry {

        /** First wait after a failure. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /** Longest wait between two attempts; the wait doubles from the first up to this. */
        @WithDefault("30s")
        Duration maxBackoff();
    }
}
