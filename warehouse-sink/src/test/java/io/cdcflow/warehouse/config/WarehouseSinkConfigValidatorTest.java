package io.cdcflow.warehouse.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class WarehouseSinkConfigValidatorTest {

    private record Config(String name, String topicsPattern, String deadLetterTopic, String registryUrl,
                          Duration registryTimeout, Optional<String> schemaPrefix, String historySuffix, String metaSchema,
                          Duration retryInitialBackoff, Duration retryMaxBackoff) implements WarehouseSinkConfig {
    }

    private static Config defaults() {
        return new Config("warehouse-sink", "validated\\..*", "cdc.dlq", "http://127.0.0.1:18081", Duration.ofSeconds(5),
                Optional.empty(), "_history", "cdc_sink", Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(WarehouseSinkConfigValidator.problems(defaults())).isEmpty();
    }

    @Test
    void eachProblemNamesItsProperty() {
        Config bad = new Config("", "validated\\.(", "bad topic!", "ftp:/x", Duration.ZERO, Optional.of("bad\u0001"), "",
                "x".repeat(70), Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(WarehouseSinkConfigValidator.problems(bad))
                .anyMatch(p -> p.startsWith("cdc.sink.name"))
                .anyMatch(p -> p.startsWith("cdc.sink.topics-pattern"))
                .anyMatch(p -> p.startsWith("cdc.sink.dead-letter-topic"))
                .anyMatch(p -> p.startsWith("cdc.sink.registry-url"))
                .anyMatch(p -> p.startsWith("cdc.sink.registry-timeout"))
                .anyMatch(p -> p.startsWith("cdc.sink.schema-prefix"))
                .anyMatch(p -> p.startsWith("cdc.sink.history-suffix"))
                .anyMatch(p -> p.startsWith("cdc.sink.meta-schema"))
                .anyMatch(p -> p.startsWith("cdc.sink.retry-max-backoff"));
    }
}
