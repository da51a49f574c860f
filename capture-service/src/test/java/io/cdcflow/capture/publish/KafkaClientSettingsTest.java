package io.cdcflow.capture.publish;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClientSettingsTest {

    @Test
    void securitySettingsFromTheSharedEnvironmentVariablesReachTheProducer() {
        SmallRyeConfig config = config(Map.of(
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                        "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12",
                        "CDC_KAFKA_BOOTSTRAP", "broker:9093",
                        "PATH", "/usr/bin"),
                Map.of());

        Map<String, Object> props = KafkaClientSettings.of(config, Map.of());

        assertThat(props).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.truststore.location", "/etc/kafka/truststore.p12"));
    }

    @Test
    void kafkaPropertiesAreReadAsTheyAreAndCaptureOwnSettingsWin() {
        SmallRyeConfig config = config(Map.of("KAFKA_SSL_TRUSTSTORE_PASSWORD", "from-env"),
                Map.of("kafka.security.protocol", "SSL", "kafka.ssl.truststore.type", "PKCS12",
                        "kafkaesque.setting", "ignored", "cdc.capture.kafka-bootstrap-servers", "ignored:1"));

        Map<String, Object> props = KafkaClientSettings.of(config, Map.of("security.protocol", "SASL_SSL"));

        assertThat(props).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", "from-env"));
    }

    private static SmallRyeConfig config(Map<String, String> env, Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(env, 300), new PropertiesConfigSource(properties, "test", 250))
                .build();
    }
}
