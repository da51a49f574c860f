package io.cdcflow.e2e;

import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many changes each sink's consumer group has consumed and committed on the validated inventory topics since a
 * mark: the committed offsets now minus the topics' end offsets at the mark (taken when every sink had caught up).
 */
final class SinkBacklog implements AutoCloseable {

    static final List<String> GROUPS = List.of("warehouse-sink", "cache-sink", "search-sink");

    private final TestKafka kafka;
    private Map<TopicPartition, Long> mark = Map.of();

    SinkBacklog(StackEndpoints stack) {
        kafka = TestKafka.of(stack);
    }

    /** Takes the end offsets of the validated inventory topics as the new mark. */
    void mark() {
        mark = ends();
    }

    /** The end offsets of the validated inventory topics now. */
    Map<TopicPartition, Long> ends() {
        Map<TopicPartition, Long> end = new HashMap<>();
        for (StoreStates.Table t : StoreStates.TABLES) {
            end.putAll(kafka.endOffsets("validated.inventory.public." + t.name()));
        }
        return end;
    }

    /** The offsets a sink's consumer group has committed now. */
    Map<TopicPartition, Long> committed(String group) {
        return kafka.committedOffsets(group);
    }

    /** The fewest changes any sink group committed since the mark. */
    long slowestConsumedSinceMark() {
        long slowest = Long.MAX_VALUE;
        for (String group : GROUPS) {
            Map<TopicPartition, Long> offsets = kafka.committedOffsets(group);
            long consumed = 0;
            for (var m : mark.entrySet()) {
                consumed += Math.max(0, offsets.getOrDefault(m.getKey(), 0L) - m.getValue());
            }
            slowest = Math.min(slowest, consumed);
        }
        return slowest;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
