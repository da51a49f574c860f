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
class RedisSinkConfigValidatorTest {

    private static RedisSinkConfig config(Map<String, String> properties) {
        // Quarkus' own converter reads durations such as "24h", as the application does.
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(RedisSinkConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", properties) {
                }).build();
        return c.getConfigMapping(RedisSinkConfig.class);
    }

    private static List<String> problems(Map<String, String> properties) {
        return RedisSinkConfigValidator.problems(config(properties), 2048);
    }

    @Test
    void theDefaultsAreValidAndAimAtTheDocumentedLayout() {
        RedisSinkConfig c = config(Map.of());
        assertThat(RedisSinkConfigValidator.problems(c, 2048)).isEmpty();
        assertThat(c.keyPrefix()).isEqualTo("cdc");
        assertThat(c.tombstoneTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.rowTtl()).isEmpty();
        assertThat(c.fields()).isEmpty();
    }

    @Test
    void perTableTtlAndFieldsAreReadFromQuotedTableKeys() {
        RedisSinkConfig c = config(Map.of(
                "cdc.sink.redis.row-ttl.\"inventory.public.customers\"", "1h",
                "cdc.sink.redis.fields.\"inventory.public.customers\"", "id,email",
                "cdc.sink.redis.fields.\"inventory.public.orders\"", "id"));
        assertThat(RedisSinkConfigValidator.problems(c, 2048)).isEmpty();
        assertThat(c.rowTtl()).containsExactly(Map.entry("inventory.public.customers", Duration.ofHours(1)));
        assertThat(c.fields()).containsEntry("inventory.public.customers", List.of("id", "email"))
                .containsEntry("inventory.public.orders", List.of("id"));
    }

    @Test
    void eachBadPropertyIsNamed() {
        List<String> p = problems(Map.of(
                "cdc.sink.redis.key-prefix", "my cache",
                "cdc.sink.redis.tombstone-ttl", "-1s",
                "cdc.sink.redis.pipeline-size", "0",
                "cdc.sink.redis.scan-count", "0",
                "cdc.sink.redis.timeout", "0s"));
        assertThat(p).anyMatch(m -> m.startsWith("cdc.sink.redis.key-prefix:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.tombstone-ttl:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.pipeline-size:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.scan-count:"))
                .anyMatch(m -> m.startsWith("cdc.sink.redis.timeout:"))
                .hasSize(5);
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
        RedisSinkConfig c = config(Map.of("cdc.sink.redis.pipeline-size", "600"));
        assertThat(RedisSinkConfigValidator.problems(c, 2048)).isEmpty();
        assertThat(RedisSinkConfigValidator.problems(c, 512)).singleElement().asString()
                .startsWith("cdc.sink.redis.pipeline-size: must be between 1 and quarkus.redis.max-waiting-handlers (512)");
    }
}
