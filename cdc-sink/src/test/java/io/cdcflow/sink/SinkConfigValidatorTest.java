package io.cdcflow.sink;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared validator on configurations built by SmallRye Config from properties, as at start-up. */
class SinkConfigValidatorTest {

    private static SinkConfig config(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of("cdc.sink.name", "test-sink",
                "cdc.sink.registry.url", "http://127.0.0.1:18081"));
        all.putAll(properties);
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(SinkConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", all) {
                }).build();
        return c.getConfigMapping(SinkConfig.class);
    }

    @Test
    void theDefaultsAreValid() {
        SinkConfig c = config(Map.of());
        assertThat(SinkConfigValidator.problems(c)).isEmpty();
        assertThat(c.topicsPattern()).isEqualTo("validated\\..*");
        assertThat(c.deadLetterTopic()).isEqualTo("cdc.dlq");
        assertThat(c.retry().initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.registry().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void eachBadPropertyIsNamed() {
        List<String> p = SinkConfigValidator.problems(config(Map.of(
                "cdc.sink.name", "my sink",
                "cdc.sink.topics-pattern", "validated\\.(",
                "cdc.sink.dead-letter-topic", "dead letters",
                "cdc.sink.retry.initial-backoff", "0s",
                "cdc.sink.registry.url", "registry:8081",
                "cdc.sink.registry.timeout", "0s")));
        assertThat(p).extracting(m -> m.substring(0, m.indexOf(':'))).containsExactlyInAnyOrder(
                "cdc.sink.name", "cdc.sink.topics-pattern", "cdc.sink.dead-letter-topic",
                "cdc.sink.retry.initial-backoff", "cdc.sink.registry.url", "cdc.sink.registry.timeout");
    }

    @Test
    void theMaximumBackoffMayNotBeShorterThanTheFirst() {
        assertThat(SinkConfigValidator.problems(config(Map.of("cdc.sink.retry.initial-backoff", "5s",
                "cdc.sink.retry.max-backoff", "1s"))))
                .containsExactly("cdc.sink.retry.max-backoff: must not be shorter than cdc.sink.retry.initial-backoff");
    }
}
