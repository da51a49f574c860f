package io.cdcflow.sink.internal;

import io.cdcflow.model.MalformedEventException;
import io.cdcflow.retry.Backoff;
import io.cdcflow.sink.ChangeWriter;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.DeadLetterPublisher;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.SinkConfig;
import io.cdcflow.sink.SinkMetrics;
import io.cdcflow.sink.WriteResult;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sink's Kafka side, the same for every sink. Created at start-up with the {@code changes} channel (validated
 * topics, the sink's consumer group); SmallRye calls {@link #consume} with one batch at a time, in order, on a worker
 * thread. For each batch it sets aside the records of tables an operator paused for this sink ({@link HeldPartitions}:
 * their partitions are held at the first record not applied), parses the others, hands the changes to the
 * {@link ChangeWriter}, gives back what the store could not take after an exponential backoff (for as long as it
 * takes: the method does not return, so the consumer takes no new records and no offset moves), dead-letters what can
 * never be applied and waits for Kafka's acknowledgement of those. Only then does it commit, per partition, the offset
 * after the last record applied: after the writes are in the store and the dead letters in Kafka, and never past a
 * held record.
 */
@ApplicationScoped
public class ChangeConsumer {

    private static final Logger LOG = Logger.getLogger(ChangeConsumer.class);

    private final ChangeWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final SinkMetrics metrics;
    private final SinkStatus status;
    private final SinkConfig config;
    private final FramedValues values;
    private final SinkTablePauses pauses;
    private final HeldPartitions held;
    private final ChangesConsumerControl kafka;
    private long outageStart = -1;

    ChangeConsumer(ChangeWriter writer, DeadLetterPublisher deadLetters, SinkMetrics metrics, SinkStatus status,
                   SinkConfig config, FramedValues values, SinkTablePauses pauses, ChangeConsumerHolds holds,
                   ChangesConsumerControl kafka) {
        this.writer = writer;
        this.values = values;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.status = status;
        this.config = config;
        this.pauses = pauses;
        this.held = holds.partitions();
        this.kafka = kafka;
        pauses.onResume(this::release);
    }

    @Incoming("changes")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<byte[], byte[]> batch) {
        if (!pauses.loaded()) {
            status.down("reading the sink control topic " + config.controlTopic() + " before applying changes");
            pauses.awaitLoaded();
            status.up();
        }
        HeldPartitions.Sorted sorted = held.sort(batch, pauses::isPaused);
        List<SinkChange> changes = new ArrayList<>(sorted.accepted().size());
        List<DeadLetter> dead = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : sorted.accepted()) {
            try {
                changes.add(ChangeParser.parse(record, values::envelope, values::key));
            } catch (MalformedEventException e) {
                dead.add(new DeadLetter(ChangeParser.origin(record), e.reason().tag(), e.getMessage()));
            }
        }
        dead.addAll(writeUntilDone(changes));
        deadLetters.publish(dead);
        sorted.setAside().forEach(metrics::setAside);
        if (!sorted.toHold().isEmpty()) {
            kafka.hold(sorted.toHold());
            // A resume that came while this batch was sorted found no hold to release: release it now.
            sorted.toHold().keySet().stream().map(TopicPartition::topic).distinct()
                    .filter(topic -> !pauses.isPaused(topic)).forEach(this::release);
        }
        kafka.commit(sorted.commits());
    }

    /** Reads a resumed table's held partitions again from their held offsets (on the control topic's thread). */
    private void release(String topic) {
        Map<TopicPartition, Long> from = kafka.release(held.release(topic));
        from.forEach(held::moveTo);
        if (!from.isEmpty()) {
            LOG.infof("%s resumed: reading %s again from %s", topic, from.keySet(), from.values());
        }
    }

    /** Writes, backing off and writing again what the store could not take; returns the dead letters. */
    private List<DeadLetter> writeUntilDone(List<SinkChange> changes) {
        List<DeadLetter> dead = new ArrayList<>();
        Backoff backoff = new Backoff(config.retry().initialBackoff(), config.retry().maxBackoff());
        List<SinkChange> pending = changes;
        while (!pending.isEmpty()) {
            WriteResult r = writer.write(pending);
            r.applied().forEach(c -> metrics.applied(c.table(), c.event().source().tsMs()));
            r.skippedStale().forEach(c -> metrics.skippedStale(c.table()));
            r.superseded().forEach(c -> metrics.superseded(c.table()));
            dead.addAll(r.deadLetters());
            if (r.complete()) {
                recovered();
                break;
            }
            failed(r.retryCause());
            backoff.pause();
            pending = r.retry();
        }
        return dead;
    }

    private void failed(String cause) {
        metrics.error();
        status.down(cause);
        if (outageStart < 0) {
            outageStart = System.nanoTime();
            LOG.warnf("%s unavailable, retrying with backoff and consuming nothing meanwhile: %s", writer.store(), cause);
        } else {
            LOG.debugf("still unavailable: %s", cause);
        }
    }

    private void recovered() {
        if (outageStart >= 0) {
            LOG.infof("%s available again after %d s; resuming", writer.store(),
                    Duration.ofNanos(System.nanoTime() - outageStart).toSeconds());
            outageStart = -1;
            status.up();
        }
    }
}
