package io.cdcflow.console.dlq;

import io.cdcflow.console.config.KafkaClients;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a dead letter back to the topic it was read from: the original key and value, the headers it carried there
 * (the {@code cdc.dlq.*} ones left out), and {@code cdc.redrive.count} (one more than it carried) and
 * {@code cdc.redrive.at}. The services copy those into a dead letter when the record fails again, so the count
 * keeps growing and the cap ({@code cdc.console.redrive-cap}) ends a loop. Idempotent producer, acks from all
 * replicas; returns once Kafka acknowledged.
 */
@ApplicationScoped
public class Redriver {

    private final KafkaClients clients;
    private volatile KafkaProducer<byte[], byte[]> producer;

    Redriver(KafkaClients clients) {
        this.clients = clients;
    }

    /** Where the record went. */
    public record Sent(String topic, int partition, long offset, int count) {
    }

    public Sent redrive(DeadLetterRecord letter, Instant now) {
        RecordHeaders headers = new RecordHeaders();
        letter.headers().forEach((name, value) -> {
            if (!name.startsWith("cdc.dlq.") && !name.startsWith("cdc.redrive.") && value != null) {
                headers.add(name, value.getBytes(StandardCharsets.UTF_8));
            }
        });
        int count = letter.redriveCount() + 1;
        headers.add(DeadLetterRecord.REDRIVE_COUNT, Integer.toString(count).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterRecord.REDRIVE_AT, now.toString().getBytes(StandardCharsets.UTF_8));
        try {
            RecordMetadata m = producer().send(new ProducerRecord<>(letter.origin().topic(), null, letter.key(),
                    letter.value(), headers)).get(60, TimeUnit.SECONDS);
            return new Sent(m.topic(), m.partition(), m.offset(), count);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the redrive of " + letter.id() + " to "
                    + letter.origin().topic() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while redriving " + letter.id(), e);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = clients.producer("console-service-redrive");
                }
                p = producer;
            }
        }
        return p;
    }

    void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
