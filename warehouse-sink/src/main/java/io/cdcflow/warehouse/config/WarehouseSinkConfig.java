package io.cdcflow.warehouse.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The warehouse-sink configuration ({@code cdc.sink.*}); defaults aim at the local stack. Checked at start-up by
 * {@link WarehouseSinkConfigValidator}. The PostgreSQL connection itself is the Quarkus datasource
 * ({@code quarkus.datasource.*}), the Kafka channel {@code mp.messaging.incoming.changes.*}.
 */
@ConfigMapping(prefix = "cdc.sink")
public interface WarehouseSinkConfig {

    /** This sink's name: the {@code sink} tag of its metrics and the {@code cdc.dlq.service} header of its dead letters. */
    @WithDefault("warehouse-sink")
    String name();

    /** Regular expression of the topics consumed (also used by the {@code changes} channel). */
    @WithDefault("validated\\..*")
    String topicsPattern();

    /** The dead-letter topic for records that can never be applied. */
    @WithDefault("cdc.dlq")
    String deadLetterTopic();

    /** Base URL of the schema registry (Confluent API) from which the value schema of a {@code cdc.schema.id} is read. */
    @WithDefault("http://127.0.0.1:18081")
    String registryUrl();

    /** Time allowed for one schema registry request. */
    @WithDefault("5s")
    Duration registryTimeout();

    /**
     * Prefix put before every warehouse schema name ({@code <prefix><source>_<namespace>}), e.g. to keep several
     * environments apart in one database; none by default.
     */
    Optional<String> schemaPrefix();

    /** Suffix appended to a table's name to name its history table. */
    @WithDefault("_history")
    String historySuffix();

    /** Warehouse schema holding the sink's own bookkeeping (the truncation watermarks). */
    @WithDefault("cdc_sink")
    String metaSchema();

    /** First wait before retrying a batch while the warehouse (or Kafka for dead letters) is unavailable. */
    @WithDefault("100ms")
    Duration retryInitialBackoff();

    /** Longest wait between two retries of a batch; the wait doubles from the initial one up to this. */
    @WithDefault("30s")
    Duration retryMaxBackoff();
}
