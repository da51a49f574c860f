package io.cdcflow.router.route;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/**
 * The router's Kafka plumbing: reads raw change topics (channel {@code raw}, a topic pattern) and writes each
 * record where {@link ChangeRouter} says (channel {@code routed}). The outgoing message carries the incoming one's
 * acknowledgement, so an input offset is committed only after Kafka acknowledged what it was routed to.
 */
@ApplicationScoped
public class RouterChannel {

    private final ChangeRouter router;

    RouterChannel(ChangeRouter router) {
        this.router = router;
    }

    @Incoming("raw")
    @Outgoing("routed")
    @Blocking(ordered = true)
    @SuppressWarnings("unchecked")
    public Message<byte[]> route(Message<byte[]> in) {
        IncomingKafkaRecordMetadata<byte[], byte[]> meta = in.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("the raw channel must be a Kafka channel"));
        Routed r = router.route(meta.getTopic(), meta.getPartition(), meta.getOffset(), meta.getKey(), in.getPayload());
        OutgoingKafkaRecordMetadata<byte[]> out = OutgoingKafkaRecordMetadata.<byte[]>builder()
                .withTopic(r.topic())
                .withKey(r.key())
                .withHeaders(r.headers())
                .build();
        return in.withPayload(r.value()).addMetadata(out);
    }
}
