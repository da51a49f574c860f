package io.cdcflow.router.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.CdcHeaders;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.DeadLetterHeaders;
import io.cdcflow.model.Envelope;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.RawJson;
import io.cdcflow.model.RowKey;
import io.cdcflow.router.config.RouterConfig;
import io.cdcflow.router.input.FlattenedRecords;
import io.cdcflow.router.input.SchemalessValues;
import io.cdcflow.router.schema.AcceptedSchema;
import io.cdcflow.router.schema.SchemaRegistrar;
import io.cdcflow.router.schema.TablePausedException;
import io.cdcflow.router.schema.ValidatedRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Decides where one raw record goes. A change event is parsed, its value and key schemas registered (or found) in
 * the registry, the event validated against the value schema (and made canonical: decimals as JSON numbers), and
 * forwarded to {@code <validated prefix><topic>} with its original key (so the same key lands in the same partition),
 * its value in the Confluent wire format ({@link ValidatedRecords}) and header {@code cdc.schema.id} naming the
 * table's Avro schema. A table whose schema changed incompatibly under the pause policy is paused. Changes of an outbox table
 * are handed to the {@link OutboxRouter}. Anything it cannot accept goes to the dead-letter topic with headers
 * naming the reason and where it came from; the original bytes are kept.
 */
@ApplicationScoped
public class ChangeRouter {

    private final RouterConfig config;
    private final SchemaRegistrar registrar;
    private final OutboxRouter outbox;
    private final ValidatedRecords records;
    private final MeterRegistry meters;
    private final Map<String, Timer> lag = new ConcurrentHashMap<>();
    private final Map<String, Counter> routed = new ConcurrentHashMap<>();
    private final Map<String, Counter> tombstones = new ConcurrentHashMap<>();
    private final Map<String, Counter> flattened = new ConcurrentHashMap<>();
    /** The Connect schema each topic's last event carried: the next one most likely carries it too. */
    private final Map<String, RawJson> lastSchemas = new ConcurrentHashMap<>();
    private final Pattern offsetPositions;

    ChangeRouter(RouterConfig config, SchemaRegistrar registrar, OutboxRouter outbox, ValidatedRecords records,
                 MeterRegistry meters) {
        this.config = config;
        this.records = records;
        this.registrar = registrar;
        this.outbox = outbox;
        this.meters = meters;
        try {
            this.offsetPositions = config.offsetPositionTopics().map(Pattern::compile).orElse(null);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalStateException("cdc.router.offset-position-topics: not a regular expression: "
                    + e.getDescription(), e);
        }
    }

    /**
     * Routes one record read from {@code topic}; a {@code redriven} one (sent back from the dead-letter topic by an
     * operator) asks the registry again about a schema it refused before.
     */
    public Decision route(String topic, int partition, long offset, byte[] key, byte[] value, boolean redriven) {
        if (redriven) {
            registrar.forgetRejections(topic);
        }
        if (value == null) {
            // A Kafka tombstone: Debezium writes one after each delete (tombstones.on.delete) for log compaction. The
            // delete event before it carries the change; the tombstone itself is nothing to route or to dead-letter.
            tombstones.computeIfAbsent(topic, t -> meters.counter("cdc.router.tombstones.skipped", "topic", t)).increment();
            return new Decision.Skip("tombstone");
        }
        try {
            if (value.length > config.maxValueBytes()) {
                throw new MalformedEventException(MalformedEventException.Reason.TOO_LARGE,
                        "value of " + value.length + " bytes is over the limit of " + config.maxValueBytes()
                                + " (cdc.router.max-value-bytes)");
            }
            Envelope envelope = read(topic, partition, offset, value);
            ChangeEvent event = envelope.event();
            if (envelope.connectSchemaJson() == null) {
                SchemalessValues.check(event);
            }
            List<String> keys = List.of();
            RowKey keyColumns = null;
            if (event.op() != Op.TRUNCATE) {
                keys = new ArrayList<>();
                keyColumns = ChangeEventSerde.readKey(key);
                keyColumns.columns().fieldNames().forEachRemaining(keys::add);
            }
            event.position();
            if (outbox.isOutbox(event.table().table())) {
                Decision d = outbox.route(event);
                meters.counter(d instanceof Decision.Skip ? "cdc.router.skipped" : "cdc.router.outbox.routed",
                        "topic", topic).increment();
                return d;
            }
            JsonNode payload = ChangeEventSerde.toJson(event);
            AcceptedSchema schema = registrar.resolve(topic, envelope.connectSchemaJson(), payload, keys);
            List<String> violations = schema.violations(payload);
            if (!violations.isEmpty()) {
                throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                        "the event does not match its registered schema " + schema.id() + ": "
                                + String.join("; ", violations));
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(CdcHeaders.SCHEMA_ID, Integer.toString(schema.id()).getBytes(StandardCharsets.UTF_8));
            String target = config.validatedTopicPrefix() + topic;
            routed.computeIfAbsent(topic, t -> meters.counter("cdc.router.routed", "topic", t)).increment();
            if (event.source().tsMs() > 0) {
                lag.computeIfAbsent(topic, t -> Timer.builder("cdc.router.lag").tag("topic", t)
                                .publishPercentileHistogram().register(meters))
                        .record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - event.source().tsMs())));
            }
            return new Decision.Write(target, records.key(target, registrar.keySchema(topic), key, keyColumns),
                    records.value(target, schema, payload), headers);
        } catch (TablePausedException e) {
            return new Decision.Pause(topic, e.subject(), e.pendingSchema(), e.getMessage());
        } catch (MalformedEventException e) {
            return deadLetter(topic, partition, offset, key, value, e.reason().tag(), e.getMessage());
        }
    }

    /** The envelope of a record: as written, or made of a row that Debezium's unwrap transform flattened. */
    private Envelope read(String topic, int partition, long offset, byte[] value) {
        try {
            RawJson expected = lastSchemas.get(topic);
            Envelope envelope = ChangeEventSerde.readValue(value, expected);
            RawJson schema = envelope.connectSchemaJson();
            if (schema != null && schema != expected) {
                lastSchemas.put(topic, schema);
            }
            return envelope;
        } catch (MalformedEventException e) {
            if (!FlattenedRecords.mayBeFlattened(e)) {
                throw e;
            }
            boolean offsets = offsetPositions != null && offsetPositions.matcher(topic).matches();
            Envelope flat = FlattenedRecords.read(topic, partition, offset, value, offsets);
            flattened.computeIfAbsent(topic, t -> meters.counter("cdc.router.flattened", "topic", t)).increment();
            return flat;
        }
    }

    private Decision deadLetter(String topic, int partition, long offset, byte[] key, byte[] value, String reason,
                              String message) {
        meters.counter("cdc.router.dead.lettered", "reason", reason).increment();
        RecordHeaders h = new RecordHeaders();
        new DeadLetterHeaders(reason, message, topic, partition, offset, "router-service").asMap()
                .forEach((name, text) -> h.add(name, text.getBytes(StandardCharsets.UTF_8)));
        return new Decision.Write(config.deadLetterTopic(), key, value, h);
    }
}
