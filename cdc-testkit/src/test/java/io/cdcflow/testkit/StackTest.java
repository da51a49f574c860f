package io.cdcflow.testkit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackTest {

    @Test
    void parsesTheLauncherEnvOutput() {
        Map<String, String> env = Stack.parseEnv("""
                # local stack
                CDC_KAFKA_BOOTSTRAP=127.0.0.1:19092
                export CDC_REDIS_PORT=16379
                CDC_OPENSEARCH_URL='http://127.0.0.1:19200'
                not a variable
                """);
        assertThat(env).containsExactly(
                Map.entry("CDC_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
                Map.entry("CDC_REDIS_PORT", "16379"),
                Map.entry("CDC_OPENSEARCH_URL", "http://127.0.0.1:19200"));
    }

    @Test
    void endpointsNameAMissingVariable() {
        StackEndpoints endpoints = new StackEndpoints(Map.of("CDC_STORE_PG_HOST", "127.0.0.1", "CDC_STORE_PG_PORT", "15433"));
        assertThat(endpoints.storePgJdbcUrl("warehouse")).isEqualTo("jdbc:postgresql://127.0.0.1:15433/warehouse");
        assertThatThrownBy(endpoints::kafkaBootstrap).hasMessageContaining("CDC_KAFKA_BOOTSTRAP");
    }
}
