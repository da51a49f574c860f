package io.cdcflow.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The registry's own settings ({@code cdc.registry.*}); checked at start-up by {@link RegistryConfigValidator},
 * which names the property that is wrong.
 */
@ConfigMapping(prefix = "cdc.registry")
public interface RegistryConfig {

    /** Who may write (and, when protected, read). */
    Auth auth();

    /** Compatibility level used when neither the subject nor the global config sets one (Confluent's default: BACKWARD). */
    @WithDefault("BACKWARD")
    String defaultCompatibility();

    /** How many schemas (by id) the in-memory cache keeps; schemas never change once registered. */
    @WithDefault("10000")
    int cacheMaxEntries();

    /** Credentials of the registry's write API. */
    interface Auth {

        /** Users allowed to write, as {@code user:password[,user:password...]}; required in the prod profile. */
        Optional<String> users();

        /** Bearer tokens also accepted for writes, comma separated; empty means HTTP Basic only. */
        Optional<String> tokens();

        /** When true, reads also require a credential; writes always do. */
        @WithDefault("false")
        boolean protectReads();
    }
}
