package io.cdcflow.router.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Envelope;
import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.router.config.RouterConfig;
import io.cdcflow.router.schema.RegisteredSchema;
import io.cdcflow.router.schema.SchemaRegistrar;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides where one raw record goes. A change event is parsed, its value schema registered (or found) in the
 * registry, the event validated against it, and forwarded to {@code <validated prefix><topic>} with its original
 * key (so the same key lands in the same partition) and header {@code cdc.schema.id}. Changes of an outbox table
 * are handed to the {@link OutboxRouter}. Anything it cannot accept goes to the dead-letter topic with headers
 * naming the reason and where it came from; the original bytes are kept.
 */
@ApplicationScoped
public class ChangeRouter {

    /** Header carrying the registry id of the forwarded value's schema. */
    public static final String SCHEMA_ID_HEADER = "cdc.schema.id";

    private final RouterConfig config;
    private final SchemaRegistrar registrar;
    private final OutboxRouter outbox;
    private final MeterRegistry meters;
    private final Map<String, Timer> lag = new ConcurrentHashMap<>();
    private final Map<String, Counter> routed = new ConcurrentHashMap<>();

    ChangeRouter(RouterConfig config, SchemaRegistrar registrar, OutboxRouter outbox, MeterRegistry meters) {
        this.config = config;
        this.registrar = registrar;
        this.outbox = outbox;
        this.meters = meters;
    }

    /** Routes one record read from {@code topic}. */
    public Decision route(String topic, int partition, long offset, byte[] key, byte[] value) {
        try {
            if (value != null && value.length > config.maxValueBytes()) {
                throw new MalformedEventException(MalformedEventException.Reason.TOO_LARGE,
                        "value of " + value.length + " bytes is over the limit of " + config.maxValueBytes()
                                + " (cdc.router.max-value-bytes)");
            }
            Envelope envelope = ChangeEventSerde.readValue(value);
            ChangeEvent event = envelope.event();
            if (event.op() != Op.TRUNCATE) { // a truncate concerns no row, so it has no key
                ChangeEventSerde.readKey(key);
            }
            event.position();
            if (outbox.isOutbox(event.table().table())) {
                Decision d = outbox.route(event);
                meters.counter(d instanceof Decision.Skip ? "cdc.router.skipped" : "cdc.router.outbox.routed",
                        "topic", topic).increment();
                return d;
            }
            JsonNode payload = ChangeEventSerde.toJson(event);
            RegisteredSchema schema = registrar.resolve(topic, envelope.connectSchemaJson(), payload);
            String violations = schema.violations(payload);
            if (!violations.isEmpty()) {
                throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                        "the event does not match its registered schema " + schema.id() + ": " + violations);
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(SCHEMA_ID_HEADER, Integer.toString(schema.id()).getBytes(StandardCharsets.UTF_8));
            String target = config.validatedTopicPrefix() + topic;
            routed.computeIfAbsent(topic, t -> meters.counter("cdc.router.routed", "topic", t)).increment();
            if (event.source().tsMs() > 0) {
                lag.computeIfAbsent(topic, t -> Timer.builder("cdc.router.lag").tag("topic", t)
                                .publishPercentileHistogram().register(meters))
                        .record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - event.source().tsMs())));
            }
            return new Decision.Write(target, key, Json.mapper().writeValueAsBytes(payload), headers);
        } catch (MalformedEventException e) {
            return deadLetter(topic, partition, offset, key, value, e.reason().tag(), e.getMessage());
        } catch (JsonProcessingException e) {
            // The envelope was just built from a parsed event: writing it cannot fail.
            throw new IllegalStateException("cannot write the envelope read from " + topic + "@" + offset, e);
        }
    }

    private Decision deadLetter(String topic, int partition, long offset, byte[] key, byte[] value, String reason,
                              String message) {
        meters.counter("cdc.router.dead.lettered", "reason", reason).increment();
        RecordHeaders h = new RecordHeaders();
        h.add("cdc.dlq.reason", bytes(reason));
        h.add("cdc.dlq.message", bytes(message == null ? reason : message));
        h.add("cdc.dlq.topic", bytes(topic));
        h.add("cdc.dlq.partition", bytes(Integer.toString(partition)));
        h.add("cdc.dlq.offset", bytes(Long.toString(offset)));
        h.add("cdc.dlq.service", bytes("router-service"));
        return new Decision.Write(config.deadLetterTopic(), key, value, h);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
