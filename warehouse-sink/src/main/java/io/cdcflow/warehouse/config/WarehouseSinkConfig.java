package io.cdcflow.warehouse.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * How the warehouse tables are named ({@code cdc.sink.warehouse.*}, the warehouse-sink's own group beside the shared
 * {@code cdc.sink.*} of cdc-sink); checked at start-up by {@link WarehouseSinkConfigValidator}. The PostgreSQL
 * connection itself is the Quarkus datasource ({@code quarkus.datasource.*}).
 */
@ConfigMapping(prefix = "cdc.sink.warehouse")
public interface WarehouseSinkConfig {

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
}
