package io.cdcflow.sink.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which partitions of the sink's assignment are held, and where: a partition of a paused table is held at its first
 * record not applied. Records of a held partition are set aside (not applied, not committed past), and the consumer
 * is asked to pause the partition and seek back to that offset, so a restart, another instance, or the resume reads
 * them again from there. Kafka may still deliver records fetched before the seek; they are set aside too.
 *
 * <p>A resume releases the table's held partitions: the consumer seeks back to each held offset and resumes it, and
 * the partition flows again from the first record at exactly that offset (validated topics are written without
 * transactions, so their offsets have no gaps). Records before it, copies fetched before the seek, are set aside, so a
 * batch never applies and commits a record after one that was set aside.
 *
 * <p>Thread-safe: batches are sorted on the consumer's worker thread, releases come from the control topic's
 * follower, and a rebalance forgets the partitions this instance no longer has.
 */
final class HeldPartitions {

    /** Where a partition is held, and whether its table was resumed (its first record is awaited). */
    private record Hold(long offset, boolean released) {
    }

    /**
     * A batch, sorted: the records to apply, in order; the offsets to commit (after the last record applied of each
     * partition); the partitions to hold, with the offset to seek back to; how many records were set aside, by topic.
     */
    record Sorted(List<ConsumerRecord<byte[], byte[]>> accepted, Map<TopicPartition, Long> commits,
                  Map<TopicPartition, Long> toHold, Map<String, Integer> setAside) {
    }

    private final Map<TopicPartition, Hold> holds = new ConcurrentHashMap<>();

    /**
     * Sorts a batch, partition by partition (a poll gives each partition's records in order, without gaps);
     * {@code paused} tells whether a topic's table is paused for this sink now.
     */
    Sorted sort(ConsumerRecords<byte[], byte[]> batch, Predicate<String> paused) {
        List<ConsumerRecord<byte[], byte[]>> accepted = new ArrayList<>(batch.count());
        Map<TopicPartition, Long> commits = new HashMap<>();
        Map<TopicPartition, Long> toHold = new HashMap<>();
        Map<String, Integer> setAside = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(tp);
            if (records.isEmpty()) {
                continue;
            }
            Hold hold = holds.get(tp);
            int from = 0;
            if (paused.test(tp.topic())) {
                long at = hold == null ? records.getFirst().offset() : Math.min(hold.offset(), records.getFirst().offset());
                holds.put(tp, new Hold(at, false));
                toHold.put(tp, at);
                from = records.size();
            } else if (hold != null && !hold.released()) {
                from = records.size(); // resumed, but not released yet: read again once it is
            } else if (hold != null) {
                // released: copies fetched before the seek back are set aside until the held offset comes
                while (from < records.size() && records.get(from).offset() != hold.offset()) {
                    from++;
                }
                if (from < records.size()) {
                    holds.remove(tp, hold);
                }
            }
            if (from > 0) {
                setAside.merge(tp.topic(), from, Integer::sum);
            }
            if (from < records.size()) {
                accepted.addAll(records.subList(from, records.size()));
                commits.put(tp, records.getLast().offset() + 1);
            }
        }
        return new Sorted(accepted, commits, toHold, setAside);
    }

    /** Releases the held partitions of a resumed topic; returns them with the offset each is to read again from. */
    Map<TopicPartition, Long> release(String topic) {
        Map<TopicPartition, Long> out = new HashMap<>();
        holds.forEach((tp, hold) -> {
            if (tp.topic().equals(topic)) {
                holds.put(tp, new Hold(hold.offset(), true));
                out.put(tp, hold.offset());
            }
        });
        return out;
    }

    /** Moves a released partition's awaited offset (the records before it are gone: the topic's retention). */
    void moveTo(TopicPartition tp, long offset) {
        holds.computeIfPresent(tp, (k, hold) -> new Hold(offset, hold.released()));
    }

    /** Forgets partitions this instance no longer reads (a rebalance); their next owner starts at the commit. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(holds::remove);
    }

    /** The partitions held now (not released) and their held offsets. */
    Map<TopicPartition, Long> held() {
        Map<TopicPartition, Long> out = new HashMap<>();
        holds.forEach((tp, hold) -> {
            if (!hold.released()) {
                out.put(tp, hold.offset());
            }
        });
        return out;
    }
}
