package io.cdcflow.capture.publish;

import io.cdcflow.capture.config.CaptureConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Publishes change batches to Kafka and returns only once Kafka has acknowledged every record of the batch, so
 * that callers commit source offsets only for what is durable in Kafka. Created at start-up, owns one idempotent
 * producer ({@code acks=all}, ordering kept per partition across retries), closed at shutdown. Its client settings
 * (security among them) come from {@link KafkaClientSettings}.
 */
@ApplicationScoped
public class KafkaChangePublisher {

    private final KafkaProducer<byte[], byte[]> producer;

    /** Reads the client settings from the application's configuration (CDI). */
    @Inject
    public KafkaChangePublisher(CaptureConfig config, Config mpConfig) {
        Map<String, Object> props = KafkaClientSettings.of(mpConfig, config.kafkaProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "capture-service");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Outside CDI (tests): the client settings from the environment and system properties. */
    public KafkaChangePublisher(CaptureConfig config) {
        this(config, ConfigProvider.getConfig());
    }

    /**
     * Sends the batch and waits for every acknowledgement.
     *
     * @throws PublishException when Kafka refused or did not acknowledge a record in time; nothing of the batch
     *                          may then be considered published
     */
    public void publish(List<OutgoingChange> batch) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (OutgoingChange change : batch) {
            acks.add(producer.send(new ProducerRecord<>(change.topic(), change.key(), change.value())));
        }
        // The caller waits for the whole batch anyway: send its tail now rather than after linger.ms.
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (ExecutionException e) {
                throw new PublishException("Kafka did not acknowledge a change: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    void close(@Observes ShutdownEvent event) {
        producer.close(Duration.ofSeconds(10));
    }

    /** Kafka did not take a batch; the source must not commit its offsets and will deliver the batch again. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
