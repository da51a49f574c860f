package io.cdcflow.sink;

import io.cdcflow.model.DeadLetterHeaders;
import io.cdcflow.retry.Backoff;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes dead letters to the dead-letter topic (channel {@code dlq}) with the original key and value and the headers
 * of the contract ({@code cdc.dlq.reason}, {@code .message}, {@code .topic}, {@code .partition}, {@code .offset},
 * {@code .service}), and returns only when Kafka acknowledged every one, so that a batch's offsets are committed only
 * after its dead letters are durable. Letters Kafka refuses are sent again with backoff (each failed round counted in
 * {@code cdc.sink.errors}); a letter sent twice is a duplicate in the DLQ, which is better than a lost one.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
    private static final long ACK_WAIT_SECONDS = 180;

    private final Emitter<byte[]> emitter;
    private final SinkConfig config;
    private final SinkMetrics metrics;

    DeadLetterPublisher(@Channel("dlq") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
                        Emitter<byte[]> emitter, SinkConfig config, SinkMetrics metrics) {
        this.emitter = emitter;
        this.config = config;
        this.metrics = metrics;
    }

    /** Sends every dead letter and returns once all are acknowledged. */
    public void publish(List<DeadLetter> letters) {
        List<DeadLetter> pending = letters;
        Backoff backoff = null;
        while (!pending.isEmpty()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(pending.size());
            for (DeadLetter letter : pending) {
                acks.add(send(letter));
            }
            List<DeadLetter> failed = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                DeadLetter letter = pending.get(i);
                try {
                    acks.get(i).get(ACK_WAIT_SECONDS, TimeUnit.SECONDS);
                    metrics.deadLettered(letter.reason());
                    LOG.debugf("dead-lettered %s-%d@%d: %s (%s)", letter.origin().topic(), letter.origin().partition(),
                            letter.origin().offset(), letter.reason(), letter.message());
                } catch (ExecutionException | TimeoutException e) {
                    failed.add(letter);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while writing dead letters", e);
                }
            }
            if (!failed.isEmpty()) {
                metrics.error();
                if (backoff == null) {
                    LOG.warnf("%d dead letter(s) not acknowledged by Kafka; retrying with backoff", failed.size());
                    backoff = new Backoff(config.retry().initialBackoff(), config.retry().maxBackoff());
                }
                backoff.pause();
            }
            pending = failed;
        }
    }

    private CompletableFuture<Void> send(DeadLetter letter) {
        OutgoingKafkaRecordMetadata<byte[]> meta = OutgoingKafkaRecordMetadata.<byte[]>builder()
                .withTopic(config.deadLetterTopic())
                .withKey(letter.origin().key())
                .withHeaders(headers(letter, config.name()))
                .build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Message<byte[]> message = Message.of(letter.origin().value(), Metadata.of(meta),
                () -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    done.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * The headers of a dead letter written by {@code service}: those the record carried (its schema id, an earlier
     * redrive's count), then the {@code cdc.dlq.*} ones.
     */
    static RecordHeaders headers(DeadLetter d, String service) {
        RecordHeaders h = new RecordHeaders();
        for (org.apache.kafka.common.header.Header carried : d.origin().headers()) {
            if (!carried.key().startsWith("cdc.dlq.")) {
                h.add(carried.key(), carried.value());
            }
        }
        new DeadLetterHeaders(d.reason(), d.message(), d.origin().topic(), d.origin().partition(), d.origin().offset(),
                service).asMap().forEach((name, value) -> h.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return h;
    }
}
