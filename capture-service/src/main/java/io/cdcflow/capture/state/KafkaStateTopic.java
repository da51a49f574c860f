package io.cdcflow.capture.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.kafka.ControlTopic;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The capture state topic: a compacted Kafka topic of one partition (a {@link ControlTopic}) where sources with
 * {@code state-store=kafka} keep their state, one record per piece ({@code <source>/<name>} → its JSON object), the
 * latest record of a key being the piece's value. Every replica of capture-service reads it, so whichever takes a
 * source's leader lock goes on from the state its predecessor saved, without a shared volume.
 *
 * <p>A save returns once Kafka acknowledged the record ({@code acks=all}, idempotent producer). A load reads the
 * topic from its beginning to the end offsets taken when it starts, so it sees every acknowledged save. Only the
 * leader of a source saves its state. Created by capture when absent (replication from the broker's defaults, records
 * up to {@value #MAX_RECORD_BYTES} bytes, lz4: the timestamp strategy's overlap window can hold many keys); an
 * existing topic that is not compacted is refused. Thread-safe; {@link #close} closes its producer, after which a save
 * fails.
 */
public final class KafkaStateTopic implements AutoCloseable {

    /** The largest piece of state it takes, as JSON; a larger one fails its save, naming {@code state-store=file}. */
    static final int MAX_RECORD_BYTES = 64 << 20;

    private final ControlTopic topic;
    private volatile boolean checked;
    private volatile boolean closed;

    /**
     * @param topic          the topic's name ({@code cdc.capture.state-topic})
     * @param clientSettings Kafka client settings (bootstrap servers, security); each client takes those it knows
     */
    public KafkaStateTopic(String topic, Map<String, Object> clientSettings) {
        this.topic = new ControlTopic(topic, clientSettings, MAX_RECORD_BYTES);
    }

    public String topic() {
        return topic.name();
    }

    /** The latest value of {@code key}; empty when none was saved (or it was deleted). */
    public Optional<ObjectNode> load(String key) throws IOException {
        byte[] latest;
        try {
            check();
            latest = topic.readAll().get(key);
        } catch (RuntimeException e) {
            throw new IOException("cannot read " + key + " from the capture state topic " + topic.name() + ": "
                    + e.getMessage(), e);
        }
        if (latest == null) {
            return Optional.empty();
        }
        JsonNode state = Json.mapper().readTree(latest);
        if (state == null || !state.isObject()) {
            throw new IOException("the capture state topic " + topic.name() + " holds no JSON object under " + key);
        }
        return Optional.of((ObjectNode) state);
    }

    /** Saves {@code state} as the value of {@code key}; returns once Kafka acknowledged it. */
    public void save(String key, ObjectNode state) throws IOException {
        if (closed) {
            throw new IOException("capture-service is stopping: " + key + " is not saved in " + topic.name());
        }
        byte[] value = Json.mapper().writeValueAsBytes(state);
        if (value.length > MAX_RECORD_BYTES) {
            throw new IOException(key + " is " + (value.length >> 20) + " MiB of JSON, more than the "
                    + (MAX_RECORD_BYTES >> 20) + " MiB a record of the capture state topic " + topic.name()
                    + " holds; keep this source's state in its state folder (state-store=file)");
        }
        try {
            check();
            topic.write(key, value);
        } catch (RuntimeException e) {
            throw new IOException("cannot save " + key + " in the capture state topic " + topic.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Creates the topic when absent, refuses one that is not compacted; once. */
    private void check() {
        if (!checked) {
            topic.create();
            checked = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        topic.close();
    }
}
