package io.cdcflow.cache.consume;

import io.cdcflow.cache.config.CacheSinkConfig;
import io.cdcflow.cache.metrics.SinkMetrics;
import io.cdcflow.cache.write.ChangeWriter;
import io.cdcflow.cache.write.DeadLetter;
import io.cdcflow.cache.write.SinkChange;
import io.cdcflow.cache.write.WriteResult;
import io.cdcflow.model.MalformedEventException;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The sink's Kafka side. Created at start-up with the {@code changes} channel (validated topics, consumer group
 * {@code cache-sink}); for each batch it parses the records, hands the changes to the {@link ChangeWriter}, retries
 * what Redis could not take with exponential backoff (for ever: the method does not return meanwhile, so the
 * consumer takes no more records and no offset moves), dead-letters what can never be applied and waits for Kafka's
 * acknowledgement of those. Only when it returns is the batch acknowledged and its offsets committed: after the
 * writes are in Redis and the dead letters in Kafka.
 */
@ApplicationScoped
public class ChangeConsumer {

    private static final Logger LOG = Logger.getLogger(ChangeConsumer.class);

    private final ChangeWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final SinkMetrics metrics;
    private final CacheSinkConfig.Retry retry;
    private boolean outage;
    private long outageStart;

    ChangeConsumer(ChangeWriter writer, DeadLetterPublisher deadLetters, SinkMetrics metrics, CacheSinkConfig config) {
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.retry = config.retry();
    }

    @Incoming("changes")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<byte[], byte[]> batch) {
        List<SinkChange> changes = new ArrayList<>(batch.count());
        List<DeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            try {
                changes.add(ChangeParser.parse(record));
            } catch (MalformedEventException e) {
                dead.add(new DeadLetter(ChangeParser.origin(record), e.reason().tag(), e.getMessage()));
            }
        }
        dead.addAll(writeUntilDone(changes));
        if (!dead.isEmpty()) {
            publishUntilDone(dead);
        }
    }

    /** Writes, backing off and writing again what Redis could not take; returns the dead letters. */
    private List<DeadLetter> writeUntilDone(List<SinkChange> changes) {
        List<DeadLetter> dead = new ArrayList<>();
        Backoff backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
        List<SinkChange> pending = changes;
        while (!pending.isEmpty()) {
            WriteResult r = writer.write(pending);
            r.applied().forEach(c -> metrics.applied(c.table(), c.event().source().tsMs()));
            r.skippedStale().forEach(c -> metrics.skippedStale(c.table()));
            dead.addAll(r.deadLetters());
            if (r.complete()) {
                recovered();
                break;
            }
            failed(r.retryCause());
            sleep(backoff.next());
            pending = r.retry();
        }
        return dead;
    }

    private void publishUntilDone(List<DeadLetter> dead) {
        Backoff backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
        while (true) {
            try {
                // Sending again letters Kafka already took duplicates them in the DLQ; losing one would be worse.
                deadLetters.publish(dead);
                recovered();
                return;
            } catch (CompletionException e) {
                failed("the dead-letter topic refused a record: " + e.getCause());
                sleep(backoff.next());
            }
        }
    }

    private void failed(String cause) {
        metrics.error();
        if (!outage) {
            outage = true;
            outageStart = System.nanoTime();
            LOG.warnf("store unavailable, retrying with backoff and consuming nothing meanwhile: %s", cause);
        } else {
            LOG.debugf("still unavailable: %s", cause);
        }
    }

    private void recovered() {
        if (outage) {
            outage = false;
            LOG.infof("store available again after %d s; resuming",
                    Duration.ofNanos(System.nanoTime() - outageStart).toSeconds());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry; the batch will be consumed again", e);
        }
    }
}
