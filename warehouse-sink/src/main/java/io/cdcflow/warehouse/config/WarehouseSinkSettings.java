package io.cdcflow.warehouse.config;

import io.cdcflow.sink.SinkSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Gives the shared dead-letter publisher and meters of cdc-sink this sink's name, topic and backoff. */
final class WarehouseSinkSettings {

    private WarehouseSinkSettings() {
    }

    @Produces
    @Singleton
    static SinkSettings settings(WarehouseSinkConfig config) {
        return new SinkSettings(config.name(), "the warehouse", config.deadLetterTopic(),
                config.retryInitialBackoff(), config.retryMaxBackoff());
    }
}
