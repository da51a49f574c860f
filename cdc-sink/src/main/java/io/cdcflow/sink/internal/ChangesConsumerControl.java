package io.cdcflow.sink.internal;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sink asks of the Kafka consumer of its {@code changes} channel, on the consumer's polling thread: commit
 * the offsets of what was applied (the channel's own commit strategy is {@code ignore}), hold partitions (pause them
 * and seek back), release them (seek and resume). A partition this instance no longer has is left out: its next owner
 * starts at the committed offset.
 */
@ApplicationScoped
class ChangesConsumerControl {

    private static final Logger LOG = Logger.getLogger(ChangesConsumerControl.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaClientService clients;

    ChangesConsumerControl(KafkaClientService clients) {
        this.clients = clients;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return clients.getConsumer("changes");
    }

    /**
     * Commits {@code offsets} (the next offset to read, per partition). A commit Kafka refuses (a rebalance took the
     * partition away) is logged: the records are read again by the partition's next owner, and applied again by the
     * position rule, exactly.
     */
    void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        try {
            consumer().runOnPollingThread(c -> {
                commit.keySet().retainAll(c.assignment());
                if (!commit.isEmpty()) {
                    c.commitSync(commit);
                }
            }).await().atMost(WAIT);
        } catch (RuntimeException e) {
            LOG.warnf("offsets %s not committed (%s); those records will be read again", offsets, e.getMessage());
        }
    }

    /** Pauses each partition and seeks it back to its held offset, so that it is read again from there. */
    void hold(Map<TopicPartition, Long> held) {
        if (held.isEmpty()) {
            return;
        }
        consumer().runOnPollingThread(c -> {
            Set<TopicPartition> assigned = c.assignment();
            List<TopicPartition> mine = held.keySet().stream().filter(assigned::contains).toList();
            c.pause(mine);
            mine.forEach(tp -> c.seek(tp, held.get(tp)));
        }).await().atMost(WAIT);
    }

    /**
     * Seeks each partition back to its held offset and resumes it. Returns the offset each is read from: the held
     * one, or the topic's first offset when retention removed records of it while it was held (logged as an error:
     * those changes are lost to this sink, and the table needs a repair).
     */
    Map<TopicPartition, Long> release(Map<TopicPartition, Long> held) {
        if (held.isEmpty()) {
            return Map.of();
        }
        return consumer().runOnPollingThread(c -> {
            Map<TopicPartition, Long> from = new HashMap<>();
            Set<TopicPartition> assigned = c.assignment();
            List<TopicPartition> mine = held.keySet().stream().filter(assigned::contains).toList();
            Map<TopicPartition, Long> first = c.beginningOffsets(mine);
            for (TopicPartition tp : mine) {
                long at = Math.max(held.get(tp), first.getOrDefault(tp, 0L));
                if (at > held.get(tp)) {
                    LOG.errorf("%s: records %d to %d were removed by the topic's retention while the table was paused;"
                            + " this sink lost those changes: repair the table (bin/cdcflow repair)", tp,
                            held.get(tp), at - 1);
                }
                c.seek(tp, at);
                from.put(tp, at);
            }
            c.resume(mine);
            return from;
        }).await().atMost(WAIT);
    }
}
