package io.cdcflow.console.config;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;

/** The settings every Kafka client of the console starts from: the bootstrap servers and {@code cdc.console.kafka.*}. */
@ApplicationScoped
public class KafkaClients {

    private final ConsoleConfig config;

    KafkaClients(ConsoleConfig config) {
        this.config = config;
    }

    public Map<String, Object> settings() {
        Map<String, Object> p = new HashMap<>(config.kafka());
        p.put("bootstrap.servers", config.kafkaBootstrapServers());
        return p;
    }
}
