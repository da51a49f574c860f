package io.cdcflow.sink.internal;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Forgets the holds of partitions that a rebalance takes from or gives to this instance: a partition's owner starts
 * at its committed offset, which is never past a held record, and holds it again if its table is still paused.
 */
@ApplicationScoped
@Identifier(ChangesRebalanceListener.NAME)
public class ChangesRebalanceListener implements KafkaConsumerRebalanceListener {

    /** The name the {@code changes} channel refers to it by ({@code consumer-rebalance-listener.name}). */
    public static final String NAME = "cdc-sink-changes";

    private final ChangeConsumerHolds holds;

    ChangesRebalanceListener(ChangeConsumerHolds holds) {
        this.holds = holds;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        holds.partitions().forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        holds.partitions().forget(partitions);
    }
}
