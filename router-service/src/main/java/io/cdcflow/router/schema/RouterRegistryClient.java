package io.cdcflow.router.schema;

import io.cdcflow.registryclient.RegistryClientSettings;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.router.config.RouterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Gives the router the shared registry client, configured from {@code cdc.router.registry}, counting its failures. */
final class RouterRegistryClient {

    private RouterRegistryClient() {
    }

    @Produces
    @Singleton
    static SchemaRegistryClient registryClient(RouterConfig config, MeterRegistry meters) {
        RouterConfig.Registry r = config.registry();
        Counter errors = meters.counter("cdc.router.registry.errors"); // exported from the start: alerts see a 0
        return new SchemaRegistryClient(new RegistryClientSettings(r.url(), r.timeout(), r.username(), r.password(),
                r.initialBackoff(), r.maxBackoff()), errors::increment);
    }
}
