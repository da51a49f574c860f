package io.cdcflow.registry.config;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up validation names the property that is wrong. */
class RegistryConfigValidatorTest {

    private static RegistryConfig config(String level, int cache) {
        return new RegistryConfig() {
            @Override
            public Auth auth() {
                return new Auth() {
                    @Override
                    public Optional<String> users() {
                        return Optional.of("cdc:cdc");
                    }

                    @Override
                    public Optional<String> tokens() {
                        return Optional.empty();
                    }

                    @Override
                    public boolean protectReads() {
                        return false;
                    }
                };
            }

            @Override
            public String defaultCompatibility() {
                return level;
            }

            @Override
            public int cacheMaxEntries() {
                return cache;
            }
        };
    }

    @Test
    void acceptsEveryLevelInAnyCase() {
        assertThatCode(() -> RegistryConfigValidator.validate(config("full_transitive", 10))).doesNotThrowAnyException();
    }

    @Test
    void refusesAnUnknownLevel() {
        assertThatThrownBy(() -> RegistryConfigValidator.validate(config("SIDEWAYS", 10)))
                .hasMessageContaining("cdc.registry.default-compatibility");
    }

    @Test
    void refusesAnEmptyCache() {
        assertThatThrownBy(() -> RegistryConfigValidator.validate(config("BACKWARD", 0)))
                .hasMessageContaining("cdc.registry.cache-max-entries");
    }
}
