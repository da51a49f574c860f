package io.cdcflow.cache.config;

import io.cdcflow.sink.SinkSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Gives the shared consumer of cdc-sink this sink's name, dead-letter topic and backoff, from its configuration. */
final class CacheSinkSettings {

    private CacheSinkSettings() {
    }

    @Produces
    @Singleton
    static SinkSettings settings(CacheSinkConfig config) {
        return new SinkSettings("cache-sink", "Redis", config.deadLetterTopic(), config.retry().initialBackoff(),
                config.retry().maxBackoff());
    }
}
