package io.cdcflow.cache.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator on configurations built by SmallRye Config from properties, as at start-up. */
class CacheSinkConfigValidatorTest {

    private static CacheSinkConfig config(Map<String, String> properties) {
        // Quarkus' own converter reads durations such as "24h", as the application does.
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(CacheSinkConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                }).build();
        return c.getConfigMapping(CacheSinkConfig.class);
    }

    private static List<String> problems(Map<String, String> properties) {
        return CacheSinkConfigValidator.problems(config(properties), 2048);
    }

    @Test
    void theDefaultsAreValidAndAimAtTheDocumentedLayout() {
        CacheSinkConfig c = config(Map.of());
        assertThat(CacheSinkConfigValidator.problems(c, 2048)).isEmpty();
        assertThat(c.redis().keyPrefix()).isEqualTo("cdc");
        assertThat(c.redis().tombstoneTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.redis().rowTtl()).isEmpty();
        assertThat(c.redis().fields()).isEmpty();
        assertThat(c.topicsPattern()).isEqualTo("validated\\..*");
        assertThat(c.retry().initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void perTableTtlAndFieldsAreReadFromQuotedTableKeys() {
        CacheSinkConfig c = config(Map.of(
                "cdc.sink.redis.row-ttl.\"inventory.public.customers\"", "1h",
                "cdc.sink.redis.fields.\"inventory.public.customers\"", "id,email",
                "cdc.sink.redis.fields.\"inventory.public.orders\"", "id"));
        assertThat(CacheSinkConfigValidator.problems(c, 2048)).isEmpty();
        assertThat(c.redis().rowTtl()).containsExactly(Map.entry("inventory.public.customers", Duration.ofHours(1)));
        assertThat(c.redis().fields()).containsEntry("inventory.public.customers", List.of("id", "email"))
                .containsEntry("inventory.public.orders", List.of("id"));
    }

    @Test
    void eachBadPropertyIsNamed() {
        List<String> p = problems(Map.of(
                "cdc.sink.topics-pattern", "validated\\.(",
                "cdc.sink.dead-letter-topic", "dead letters",
                "cdc.sink.redis.key-prefix", "my cache",
                "cdc.sink.redis.tombstone-ttl", "-1s",
                "cdc.sink.redis.pipeline-size", "0",
                "cdc.sink.redis.scan-count", "0",
                "cdc.sink.redis.timeout", "0s",
                "cdc.sink.retry.initial-backoff", "0s"));
        assertThat(p).anyMatch(m -> m.startsWith("cdc.sink.topics-pattern:"))
                .anyMatch(m -> m.startsWith("cdc.sink.dead-letter-topic:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.key-prefix:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.tombstone-ttl:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.pipeline-size:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.scan-count:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.timeout:"))
                .anyMatch(m -> m.startsWith("cdc.sink.retry.initial-backoff:"))
                .hasSize(8);
    }

    @Test
    void aZeroTombstoneTtlMeansForEverAndIsAccepted() {
        assertThat(problems(Map.of("cdc.sink.redis.tombstone-ttl", "0s"))).isEmpty();
        assertThat(problems(Map.of("cdc.sink.redis.tombstone-ttl", "PT0.0005S")))
                .singleElement().asString().startsWith("cdc.sink.redis.tombstone-ttl:");
    }

    @Test
    void perTableKeysMustBeQualifiedTableNamesAndValuesUsable() {
        List<String> p = problems(Map.of(
                "cdc.sink.redis.row-ttl.customers", "1h",
                "cdc.sink.redis.row-ttl.\"inventory.public.orders\"", "0s",
                "cdc.sink.redis.fields.\"inventory.public.items\"", "id,name,id",
                "cdc.sink.redis.fields.\"inventory..items\"", "id"));
        assertThat(p).containsExactlyInAnyOrder(
                "cdc.sink.redis.row-ttl.\"customers\": the key must be a table's <source>.<namespace>.<table>",
                "cdc.sink.redis.row-ttl.\"inventory.public.orders\": must be at least 1ms (leave the table out for no expiry)",
                "cdc.sink.redis.fields.\"inventory..items\": the key must be a table's <source>.<namespace>.<table>",
                "cdc.sink.redis.fields.\"inventory.public.items\": names column 'id' twice");
    }

    @Test
    void thePipelineMustFitTheRepliesOneConnectionMayAwait() {
        CacheSinkConfig c = config(Map.of("cdc.sink.redis.pipeline-size", "600"));
        assertThat(CacheSinkConfigValidator.problems(c, 2048)).isEmpty();
        assertThat(CacheSinkConfigValidator.problems(c, 512)).singleElement().asString()
                .startsWith("cdc.sink.redis.pipeline-size: must be between 1 and quarkus.redis.max-waiting-handlers (512)");
    }

    @Test
    void theMaximumBackoffMayNotBeShorterThanTheFirst() {
        assertThat(problems(Map.of("cdc.sink.retry.initial-backoff", "5s", "cdc.sink.retry.max-backoff", "1s")))
                .containsExactly("cdc.sink.retry.max-backoff: must not be shorter than cdc.sink.retry.initial-backoff");
    }
}
