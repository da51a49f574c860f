package io.cdcflow.sink;

import io.cdcflow.registryclient.RegistryClientSettings;
import io.cdcflow.registryclient.SchemaRegistryClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Gives a sink the shared registry client, configured from {@code cdc.sink.registry} and counting its failures. */
final class SinkRegistryClient {

    private SinkRegistryClient() {
    }

    @Produces
    @Singleton
    static SchemaRegistryClient registryClient(SinkConfig config, SinkMetrics metrics) {
        String url = config.registry().url().orElseThrow(() -> new IllegalStateException(
                "cdc.sink.registry.url is not set: this sink reads column types from the schema registry"));
        return new SchemaRegistryClient(RegistryClientSettings.anonymous(url,
                config.registry().timeout(), config.retry().initialBackoff(), config.retry().maxBackoff()),
                metrics::error);
    }
}
