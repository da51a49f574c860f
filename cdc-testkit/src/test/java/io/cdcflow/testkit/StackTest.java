package io.cdcflow.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        assertThat(endpoints.kafkaBrokers()).as("a stack that does not say runs one broker").isEqualTo(1);
    }

    @Test
    void theLauncherListsEveryKafkaBrokerOfASeveralBrokerStack(@TempDir Path home) throws Exception {
        ProcessBuilder env = new ProcessBuilder(Stack.launcher().toString(), "env").redirectErrorStream(true);
        env.environment().putAll(Map.of("CDC_STACK_HOME", home.toString(), "CDC_KAFKA_BROKERS", "3",
                "CDC_KAFKA_PORT", "39092", "CDC_KAFKA_CONTROLLER_PORT", "39093"));
        Process p = env.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();

        StackEndpoints endpoints = new StackEndpoints(Stack.parseEnv(out));
        assertThat(endpoints.kafkaBootstrap()).isEqualTo("127.0.0.1:39092,127.0.0.1:39102,127.0.0.1:39112");
        assertThat(endpoints.kafkaBrokers()).isEqualTo(3);
    }
}
