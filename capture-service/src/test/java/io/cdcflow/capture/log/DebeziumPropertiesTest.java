package io.cdcflow.capture.log;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureConfigs;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a source's configuration maps to Debezium properties: signal table, column lists, offset store. */
class DebeziumPropertiesTest {

    @Test
    void postgresDefaultsToAFileStoreAndAPerSourceSignalTable() {
        Properties p = properties(Map.of());
        assertThat(p.getProperty("offset.storage")).isEqualTo("org.apache.kafka.connect.storage.FileOffsetBackingStore");
        assertThat(p.getProperty("signal.data.collection")).isEqualTo("public.cdcflow_signal_shop");
        assertThat(p.getProperty("signal.enabled.channels")).isEqualTo("source");
        assertThat(p.getProperty("table.include.list")).isEqualTo("public.customers,public.cdcflow_signal_shop");
        assertThat(p.getProperty("incremental.snapshot.chunk.size")).isEqualTo("1024");
        assertThat(p.stringPropertyNames()).noneMatch(k -> k.startsWith("column."));
    }

    @Test
    void columnListsBecomeEscapedDebeziumRegexes() {
        Properties p = properties(Map.of(
                "log.column-exclude-list", "public.customers.notes",
                "log.column-mask-hash", "public.customers.email",
                "log.column-mask-hash-salt", "s3cret-salt",
                "log.column-mask-chars", "public.customers.ssn,public.customers.pin",
                "log.column-mask-chars-length", "4"));
        assertThat(p.getProperty("column.exclude.list")).isEqualTo("public\\.customers\\.notes");
        assertThat(p.getProperty("column.mask.hash.SHA-256.with.salt.s3cret-salt")).isEqualTo("public\\.customers\\.email");
        assertThat(p.getProperty("column.mask.with.4.chars")).isEqualTo("public\\.customers\\.ssn,public\\.customers\\.pin");
    }

    @Test
    void wrongColumnSettingsNameTheProperty() {
        String prefix = "cdc.capture.sources.shop.log.";
        assertThatThrownBy(() -> properties(Map.of("log.column-exclude-list", "public.customers.a", "log.column-include-list", "public.customers.id")))
                .hasMessageContaining(prefix + "column-include-list and " + prefix + "column-exclude-list are exclusive");
        assertThatThrownBy(() -> properties(Map.of("log.column-mask-hash", "public.customers.email")))
                .hasMessageContaining(prefix + "column-mask-hash needs " + prefix + "column-mask-hash-salt");
        assertThatThrownBy(() -> properties(Map.of("log.column-exclude-list", "public.orders.notes")))
                .hasMessageContaining(prefix + "column-exclude-list: 'public.orders.notes' is not a column of a captured table");
        assertThatThrownBy(() -> properties(Map.of("log.signal-table", "nodot")))
                .hasMessageContaining(prefix + "signal-table");
    }

    @Test
    void theKafkaStoreKeepsOffsetsAndSchemaHistoryInTopics() {
        Properties pg = properties(Map.of("log.offset-store", "kafka", "log.offset-topic-replication-factor", "3"));
        assertThat(pg.getProperty("offset.storage")).isEqualTo("org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        assertThat(pg.getProperty("offset.storage.topic")).isEqualTo("cdcflow-capture-offsets");
        assertThat(pg.getProperty("offset.storage.partitions")).isEqualTo("1");
        assertThat(pg.getProperty("offset.storage.replication.factor")).isEqualTo("3");
        assertThat(pg.getProperty("bootstrap.servers")).isEqualTo("kafka:9092");
        assertThat(pg.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(pg.getProperty("offset.storage.file.filename")).isNull();

        Properties maria = properties(Map.of("kind", "mariadb", "database", "shop", "tables", "shop.customers", "log.offset-store", "kafka"));
        assertThat(maria.getProperty("schema.history.internal")).isEqualTo("io.debezium.storage.kafka.history.KafkaSchemaHistory");
        assertThat(maria.getProperty("schema.history.internal.kafka.topic")).isEqualTo("cdcflow-capture-schema-history.shop");
        assertThat(maria.getProperty("schema.history.internal.kafka.bootstrap.servers")).isEqualTo("kafka:9092");
        assertThat(maria.getProperty("schema.history.internal.producer.security.protocol")).isEqualTo("SASL_SSL");
        assertThat(maria.getProperty("schema.history.internal.producer.acks")).isEqualTo("all");
        assertThat(maria.getProperty("schema.history.internal.producer.enable.idempotence")).isEqualTo("true");
        assertThat(maria.getProperty("offset.storage.replication.factor")).as("the broker's default").isEqualTo("-1");
        assertThat(maria.getProperty("signal.data.collection")).isEqualTo("shop.cdcflow_signal_shop");
    }

    private static Properties properties(Map<String, String> overrides) {
        String prefix = "cdc.capture.sources.shop.";
        Map<String, String> p = new HashMap<>();
        p.put("cdc.capture.kafka-bootstrap-servers", "kafka:9092");
        p.put("cdc.capture.kafka.security.protocol", "SASL_SSL");
        p.put(prefix + "kind", "postgresql");
        p.put(prefix + "host", "db");
        p.put(prefix + "port", "5432");
        p.put(prefix + "database", "shop");
        p.put(prefix + "user", "cdc");
        p.put(prefix + "password", "pw");
        p.put(prefix + "tables", "public.customers");
        overrides.forEach((k, v) -> p.put(prefix + k, v));
        CaptureConfig config = CaptureConfigs.of(p);
        return DebeziumProperties.forSource("shop", config.sources().get("shop"), config);
    }
}
