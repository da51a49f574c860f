package io.cdcflow.capture.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RenamedSourcePropertiesTest {

    @Test
    void theFlatNamesOfEarlierVersionsAreReadIntoTheirGroups() {
        SourceConfig source = source(Map.of(
                "slot-name", "old_slot",
                "debezium.column.mask.with.12.chars", "public.t.c",
                "poll-interval", "250ms",
                "batch-size", "50",
                "trigger-schema", "changes",
                "trigger-max-age", "2d",
                "timestamp-column", "modified",
                "timestamp-created-column", "born"));
        assertThat(source.log().slotName()).contains("old_slot");
        assertThat(source.log().debezium()).containsEntry("column.mask.with.12.chars", "public.t.c");
        assertThat(source.trigger().pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(source.timestamp().pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(source.trigger().batchSize()).isEqualTo(50);
        assertThat(source.timestamp().batchSize()).isEqualTo(50);
        assertThat(source.trigger().schema()).contains("changes");
        assertThat(source.trigger().maxAge()).isEqualTo(Duration.ofDays(2));
        assertThat(source.timestamp().column()).isEqualTo("modified");
        assertThat(source.timestamp().createdColumn()).contains("born");
    }

    @Test
    void theServiceIsFoundAsSmallRyeDiscoversInterceptors() {
        SourceConfig source = new SmallRyeConfigBuilder().withMapping(CaptureConfig.class).addDiscoveredInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("cdc.capture.kafka-bootstrap-servers", "kafka:9092",
                        "cdc.capture.sources.a.kind", "postgresql",
                        "cdc.capture.sources.a.host", "db", "cdc.capture.sources.a.port", "5432",
                        "cdc.capture.sources.a.database", "a", "cdc.capture.sources.a.user", "u",
                        "cdc.capture.sources.a.password", "p", "cdc.capture.sources.a.tables", "public.t",
                        "cdc.capture.sources.a.slot-name", "old_slot"), "test", 500))
                .build().getConfigMapping(CaptureConfig.class).sources().get("a");
        assertThat(source.log().slotName()).contains("old_slot");
    }

    @Test
    void aNewNameWinsOverItsOldOne() {
        SourceConfig source = source(Map.of("poll-interval", "250ms", "trigger.poll-interval", "1s",
                "slot-name", "old_slot", "log.slot-name", "new_slot"));
        assertThat(source.trigger().pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(source.timestamp().pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(source.log().slotName()).contains("new_slot");
    }

    @Test
    void anOldNameUnderAProfileIsReadToo() {
        SourceConfig source = source(Map.of("%prod.cdc.capture.sources.shop.trigger-schema", "changes"));
        assertThat(source.trigger().schema()).contains("changes");
    }

    @Test
    void withNeitherTheGroupsKeepTheirDefaults() {
        SourceConfig source = source(Map.of());
        assertThat(source.trigger().pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(source.trigger().install()).isTrue();
        assertThat(source.timestamp().column()).isEqualTo("updated_at");
        assertThat(source.log().snapshotMode()).isEqualTo("initial");
        assertThat(source.log().debezium()).isEmpty();
    }

    @Test
    void namesOutsideTheSourcesAreLeftAlone() {
        assertThat(RenamedSourceProperties.oldName("cdc.capture.state-dir")).isNull();
        assertThat(RenamedSourceProperties.oldName("cdc.capture.sources.a.host")).isNull();
        assertThat(RenamedSourceProperties.oldName("cdc.capture.sources.a.log.slot-name"))
                .isEqualTo("cdc.capture.sources.a.slot-name");
        assertThat(RenamedSourceProperties.newNames("cdc.capture.sources.a.batch-size"))
                .containsExactly("cdc.capture.sources.a.trigger.batch-size", "cdc.capture.sources.a.timestamp.batch-size");
        assertThat(RenamedSourceProperties.newNames("cdc.router.batch-size")).containsExactly("cdc.router.batch-size");
    }

    private static SourceConfig source(Map<String, String> extra) {
        String prefix = "cdc.capture.sources.shop.";
        Map<String, String> p = new HashMap<>(Map.of("cdc.capture.kafka-bootstrap-servers", "kafka:9092", prefix + "kind", "postgresql", prefix + "host", "db",
                prefix + "port", "5432", prefix + "database", "shop", prefix + "user", "cdc", prefix + "password", "pw",
                prefix + "tables", "public.t"));
        extra.forEach((k, v) -> p.put(k.startsWith("%") ? k : prefix + k, v));
        return new SmallRyeConfigBuilder().withMapping(CaptureConfig.class).withProfile("prod")
                .withInterceptors(new RenamedSourceProperties())
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(p, "test", 500)).build()
                .getConfigMapping(CaptureConfig.class).sources().get("shop");
    }
}
