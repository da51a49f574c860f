package io.cdcflow.search.config;

import io.cdcflow.sink.SinkSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Gives the shared consumer of cdc-sink this sink's name, dead-letter topic and backoff, from its configuration. */
final class SearchSinkSettings {

    private SearchSinkSettings() {
    }

    @Produces
    @Singleton
    static SinkSettings settings(SearchSinkConfig config) {
        return new SinkSettings("search-sink", "OpenSearch", config.deadLetterTopic(), config.retry().initialBackoff(),
                config.retry().maxBackoff());
    }
}
