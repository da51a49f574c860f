package io.cdcflow.warehouse.config;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class WarehouseSinkConfigValidatorTest {

    private record Config(Optional<String> schemaPrefix, String historySuffix, String metaSchema)
            implements WarehouseSinkConfig {
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(WarehouseSinkConfigValidator.problems(new Config(Optional.empty(), "_history", "cdc_sink"))).isEmpty();
    }

    @Test
    void eachProblemNamesItsProperty() {
        Config bad = new Config(Optional.of("bad\u0001"), "", "x".repeat(70));
        assertThat(WarehouseSinkConfigValidator.problems(bad))
                .anyMatch(p -> p.startsWith("cdc.sink.warehouse.schema-prefix"))
                .anyMatch(p -> p.startsWith("cdc.sink.warehouse.history-suffix"))
                .anyMatch(p -> p.startsWith("cdc.sink.warehouse.meta-schema"));
    }
}
