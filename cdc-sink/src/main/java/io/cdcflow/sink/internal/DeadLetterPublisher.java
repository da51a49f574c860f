package io.cdcflow.sink.internal;

import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.SinkSettings;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Writes dead letters to the dead-letter topic (channel {@code dlq}) with the original key and value and the
 * {@code cdc.dlq.*} headers, and returns only when Kafka acknowledged every one of them, so that the consumer commits
 * its offsets only after the dead letters are durable. Counts {@code cdc.sink.dead.lettered} once acknowledged.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private final Emitter<byte[]> dlq;
    private final String topic;
    private final String service;
    private final SinkMetrics metrics;

    DeadLetterPublisher(@Channel("dlq") Emitter<byte[]> dlq, SinkSettings settings, SinkMetrics metrics) {
        this.dlq = dlq;
        this.topic = settings.deadLetterTopic();
        this.service = settings.name();
        this.metrics = metrics;
    }

    /** Sends them all and waits for Kafka; throws {@link CompletionException} if Kafka refused one. */
    public void publish(List<DeadLetter> letters) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (DeadLetter d : letters) {
            OutgoingKafkaRecordMetadata<byte[]> meta = OutgoingKafkaRecordMetadata.<byte[]>builder()
                    .withTopic(topic).withKey(d.origin().key()).withHeaders(headers(d, service)).build();
            CompletableFuture<Void> ack = new CompletableFuture<>();
            dlq.send(Message.of(d.origin().value()).addMetadata(meta).withAck(() -> {
                ack.complete(null);
                return CompletableFuture.completedFuture(null);
            }).withNack(e -> {
                ack.completeExceptionally(e);
                return CompletableFuture.completedFuture(null);
            }));
            acks.add(ack.thenRun(() -> metrics.deadLettered(d.reason())));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }

    static RecordHeaders headers(DeadLetter d, String service) {
        RecordHeaders h = new RecordHeaders();
        h.add("cdc.dlq.reason", bytes(d.reason()));
        h.add("cdc.dlq.message", bytes(d.message() == null ? d.reason() : d.message()));
        h.add("cdc.dlq.topic", bytes(d.origin().topic()));
        h.add("cdc.dlq.partition", bytes(Integer.toString(d.origin().partition())));
        h.add("cdc.dlq.offset", bytes(Long.toString(d.origin().offset())));
        h.add("cdc.dlq.service", bytes(service));
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
