package io.cdcflow.warehouse.consume;

import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.DeadLetterPublisher;
import io.cdcflow.warehouse.write.ChangeWriter;
import io.cdcflow.warehouse.write.SinkChange;
import io.cdcflow.warehouse.write.WriteResult;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * The sink's Kafka consumer (channel {@code changes}: the validated topics, consumer group {@code warehouse-sink},
 * batches of up to {@code max.poll.records}). Lifecycle: created at start-up; SmallRye calls {@link #consume} with
 * one batch at a time on a worker thread, in order. Each record is parsed ({@link ChangeParser}), the changes are
 * written in one transaction ({@link ChangeWriter}, retried while the warehouse is unavailable, {@link StoreRetry}),
 * and the records that can never be applied are sent to the dead-letter topic ({@link DeadLetterPublisher}). The
 * method returns only when the warehouse has committed and the dead letters are acknowledged; only then is the batch
 * acknowledged and its offsets committed (throttled strategy), so a crash at any point replays the batch, which the
 * position guard makes harmless.
 */
@ApplicationScoped
public class ChangeConsumer {

    private static final Logger LOG = Logger.getLogger(ChangeConsumer.class);

    private final ChangeParser parser;
    private final ChangeWriter writer;
    private final StoreRetry retry;
    private final DeadLetterPublisher deadLetters;

    ChangeConsumer(ChangeParser parser, ChangeWriter writer, StoreRetry retry, DeadLetterPublisher deadLetters) {
        this.parser = parser;
        this.writer = writer;
        this.retry = retry;
        this.deadLetters = deadLetters;
    }

    @Incoming("changes")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<byte[], byte[]> batch) {
        List<SinkChange> changes = new ArrayList<>(batch.count());
        List<DeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            switch (parser.parse(record)) {
                case ParseResult.Accepted a -> changes.add(a.change());
                case ParseResult.Rejected r -> dead.add(r.deadLetter());
            }
        }
        if (!changes.isEmpty()) {
            WriteResult result = retry.call(() -> writer.write(changes));
            dead.addAll(result.deadLetters());
            LOG.debugf("batch of %d: %d applied, %d stale, %d dead letters", batch.count(), result.applied(),
                    result.skippedStale(), dead.size());
        }
        deadLetters.publish(dead);
    }
}
