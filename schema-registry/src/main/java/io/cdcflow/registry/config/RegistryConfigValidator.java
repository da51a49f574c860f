package io.cdcflow.registry.config;

import io.cdcflow.registry.auth.Credentials;
import io.cdcflow.registry.schema.CompatibilityLevel;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Fails the start-up on a bad {@code cdc.registry.*} setting, naming the property (never its value when the value
 * is a credential).
 */
@ApplicationScoped
public class RegistryConfigValidator {

    void onStart(@Observes StartupEvent event, RegistryConfig config, Credentials credentials) {
        validate(config);
        credentials.requireConfigured();
    }

    /** Checks the settings that are not credentials; public for unit tests. */
    public static void validate(RegistryConfig config) {
        if (CompatibilityLevel.parse(config.defaultCompatibility()).isEmpty()) {
            throw new IllegalStateException("cdc.registry.default-compatibility: '" + config.defaultCompatibility()
                    + "' is not one of " + java.util.Arrays.toString(CompatibilityLevel.values()));
        }
        if (config.cacheMaxEntries() < 1) {
            throw new IllegalStateException("cdc.registry.cache-max-entries must be at least 1, got "
                    + config.cacheMaxEntries());
        }
    }
}
