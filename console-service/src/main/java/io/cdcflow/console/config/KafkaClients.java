package io.cdcflow.console.config;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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

    /** An idempotent producer whose sends every in-sync replica acknowledges; the caller closes it. */
    public KafkaProducer<byte[], byte[]> producer(String clientId) {
        Map<String, Object> settings = settings();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
