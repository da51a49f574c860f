package io.cdcflow.router.route;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The router's Kafka plumbing: reads raw change topics in batches (channel {@code raw}, a topic pattern), writes
 * each record where {@link ChangeRouter} says (channel {@code routed}), and returns only when Kafka acknowledged
 * every write of the batch; only then is the batch acknowledged and its offsets committed. A write Kafka refuses
 * fails the batch, which is then consumed again (the sinks are idempotent), never skipped.
 */
@ApplicationScoped
public class RouterChannel {

    private final ChangeRouter router;
    private final Emitter<byte[]> routed;

    RouterChannel(ChangeRouter router, @Channel("routed") Emitter<byte[]> routed) {
        this.router = router;
        this.routed = routed;
    }

    @Incoming("raw")
    @Blocking(ordered = true)
    public void route(ConsumerRecords<byte[], byte[]> batch) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> in : batch) {
            Decision d = router.route(in.topic(), in.partition(), in.offset(), in.key(), in.value());
            if (d instanceof Decision.Write w) {
                OutgoingKafkaRecordMetadata<byte[]> out = OutgoingKafkaRecordMetadata.<byte[]>builder()
                        .withTopic(w.topic()).withKey(w.key()).withHeaders(w.headers()).build();
                CompletableFuture<Void> ack = new CompletableFuture<>();
                // Sent eagerly, in input order; the future completes when Kafka acknowledged (or refused) it.
                routed.send(Message.of(w.value()).addMetadata(out).withAck(() -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                }).withNack(e -> {
                    ack.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                }));
                acks.add(ack);
            }
        }
        if (!acks.isEmpty()) {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
    }
}
