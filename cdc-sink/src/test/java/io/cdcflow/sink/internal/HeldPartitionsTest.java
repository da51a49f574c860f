package io.cdcflow.sink.internal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Holding a paused table's partitions at their first record not applied, and releasing them on resume. */
class HeldPartitionsTest {

    private static final String A = "validated.app.public.a";
    private static final String B = "validated.app.public.b";
    private static final TopicPartition A0 = new TopicPartition(A, 0);
    private static final TopicPartition B0 = new TopicPartition(B, 0);

    private final HeldPartitions held = new HeldPartitions();
    private final Set<String> paused = new HashSet<>();

    @Test
    void withNothingPausedEveryRecordIsAppliedAndCommittedAfterItsPartitionsLast() {
        HeldPartitions.Sorted s = held.sort(records(A, 0, 10, 12, B, 0, 5, 5), paused::contains);
        assertThat(offsets(s.accepted())).containsExactly("a:10", "a:11", "a:12", "b:5");
        assertThat(s.commits()).containsOnly(Map.entry(A0, 13L), Map.entry(B0, 6L));
        assertThat(s.toHold()).isEmpty();
    }

    @Test
    void aPausedTablesRecordsAreSetAsideAndItsPartitionHeldAtTheFirstWhileOthersFlow() {
        paused.add(A);
        HeldPartitions.Sorted s = held.sort(records(A, 0, 10, 12, B, 0, 5, 6), paused::contains);
        assertThat(offsets(s.accepted())).containsExactly("b:5", "b:6");
        assertThat(s.commits()).containsOnly(Map.entry(B0, 7L));
        assertThat(s.toHold()).containsOnly(Map.entry(A0, 10L));
        assertThat(s.setAside()).containsOnly(Map.entry(A, 3));
        // Kafka delivers the partition again (fetched before the seek, or after a resume of the whole assignment)
        s = held.sort(records(A, 0, 13, 20), paused::contains);
        assertThat(s.accepted()).isEmpty();
        assertThat(s.toHold()).as("still held at the first record not applied").containsOnly(Map.entry(A0, 10L));
        assertThat(held.held()).containsOnly(Map.entry(A0, 10L));
    }

    @Test
    void aTablePausedInTheMiddleOfABatchCommitsWhatCameBeforeItsFirstHeldRecord() {
        HeldPartitions.Sorted s = held.sort(records(A, 0, 10, 11), paused::contains);
        assertThat(s.commits()).containsOnly(Map.entry(A0, 12L));
        paused.add(A);
        s = held.sort(records(A, 0, 12, 14), paused::contains);
        assertThat(s.commits()).isEmpty();
        assertThat(s.toHold()).containsOnly(Map.entry(A0, 12L));
    }

    @Test
    void aReleasedPartitionFlowsAgainFromExactlyItsHeldOffsetSettingAsideCopiesFetchedBefore() {
        paused.add(A);
        held.sort(records(A, 0, 10, 14), paused::contains);
        paused.remove(A);
        // resumed, but the release has not happened yet: still set aside
        assertThat(held.sort(records(A, 0, 15, 16), paused::contains).accepted()).isEmpty();
        assertThat(held.release(A)).containsOnly(Map.entry(A0, 10L));
        // copies fetched before the seek back come first: set aside, nothing committed
        HeldPartitions.Sorted s = held.sort(records(A, 0, 17, 19), paused::contains);
        assertThat(s.accepted()).isEmpty();
        assertThat(s.commits()).isEmpty();
        // then the partition read again from 10
        s = held.sort(records(A, 0, 10, 13), paused::contains);
        assertThat(offsets(s.accepted())).containsExactly("a:10", "a:11", "a:12", "a:13");
        assertThat(s.commits()).containsOnly(Map.entry(A0, 14L));
        assertThat(held.held()).isEmpty();
        assertThat(offsets(held.sort(records(A, 0, 14, 15), paused::contains).accepted())).containsExactly("a:14", "a:15");
    }

    @Test
    void retentionMovesTheAwaitedOffsetOfAReleasedPartition() {
        paused.add(A);
        held.sort(records(A, 0, 10, 10), paused::contains);
        paused.remove(A);
        held.release(A);
        held.moveTo(A0, 50);
        assertThat(offsets(held.sort(records(A, 0, 50, 51), paused::contains).accepted())).containsExactly("a:50", "a:51");
    }

    @Test
    void aRebalanceForgetsTheHoldsOfThePartitionsItMoves() {
        paused.add(A);
        held.sort(records(A, 0, 10, 10), paused::contains);
        held.forget(List.of(A0));
        assertThat(held.held()).isEmpty();
        paused.remove(A);
        assertThat(offsets(held.sort(records(A, 0, 30, 30), paused::contains).accepted())).containsExactly("a:30");
    }

    /** A poll's records: topic, partition, first and last offset, repeated (a partition once). */
    private static ConsumerRecords<byte[], byte[]> records(Object... spec) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
        for (int i = 0; i < spec.length; i += 4) {
            List<ConsumerRecord<byte[], byte[]>> list = out.computeIfAbsent(
                    new TopicPartition((String) spec[i], (Integer) spec[i + 1]), tp -> new ArrayList<>());
            for (long o = ((Number) spec[i + 2]).longValue(); o <= ((Number) spec[i + 3]).longValue(); o++) {
                list.add(new ConsumerRecord<>((String) spec[i], (Integer) spec[i + 1], o, new byte[0], new byte[0]));
            }
        }
        return new ConsumerRecords<>(out, Map.of());
    }

    private static List<String> offsets(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> r.topic().substring(r.topic().length() - 1) + ":" + r.offset()).toList();
    }
}
