package io.cdcflow.registry.config;

import io.cdcflow.registry.auth.Credentials;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The registry's {@link Credentials}, parsed once from {@code cdc.registry.auth.*}; application-scoped, so that the
 * credential filter, which JAX-RS creates early, gets them lazily, once the configuration is there.
 */
final class RegistryCredentials {

    private RegistryCredentials() {
    }

    @Produces
    @ApplicationScoped
    static Credentials credentials(RegistryConfig config) {
        return new Credentials(config.auth().users(), config.auth().tokens(), config.auth().protectReads());
    }
}
