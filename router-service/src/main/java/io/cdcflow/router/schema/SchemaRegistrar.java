package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.RawJson;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.registryclient.SchemaRejectedException;
import io.cdcflow.registryclient.SubjectVersion;
import io.cdcflow.router.config.RouterConfig;
import io.cdcflow.router.config.SchemaChangePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.connect.data.Schema;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the registered schemas of each event's table, registering them the first time a topic shows a new shape:
 * the value schema under {@code <topic>-value} and the key schema under {@code <topic>-key}, both in Avro
 * ({@link EnvelopeSchemas}). Accepted schemas are cached by topic and shape, so the registry is asked once per
 * schema change, not per event; while the registry cannot be reached the call blocks (the registry client retries
 * with backoff), so consumption pauses and nothing is dead-lettered for an outage.
 *
 * <p>A registration that changes a subject's version is a schema change: one INFO line (table, old and new
 * version, compatible or not, policy taken) and a count in {@code cdc.router.schema.changes}. A new schema the
 * registry refuses as incompatible, or a changed primary key, is handled by the table's {@link SchemaChangePolicy}:
 * registered anyway as the next version, dead-lettered (remembered for {@code rejection-ttl}), or the table paused
 * ({@link TablePausedException}).
 */
@ApplicationScoped
public class SchemaRegistrar {

    private static final Logger LOG = Logger.getLogger(SchemaRegistrar.class);
    private static final String AVRO = "AVRO";

    private final SchemaRegistryClient client;
    private final RouterConfig config;
    private final MeterRegistry meters;
    private final EnvelopeSchemas schemas = new EnvelopeSchemas();
    private final Map<Shape, AcceptedSchema> byShape = new ConcurrentHashMap<>();
    private final Map<String, Inferred> inferred = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keyColumns = new ConcurrentHashMap<>();
    private final Map<String, AcceptedSchema> keySchemas = new ConcurrentHashMap<>();
    private final Map<String, Rejection> rejected = new ConcurrentHashMap<>();
    private final Map<String, Optional<String>> baselines = new ConcurrentHashMap<>();
    private final Map<String, SubjectVersion> current = new ConcurrentHashMap<>();

    public SchemaRegistrar(SchemaRegistryClient client, RouterConfig config, MeterRegistry meters) {
        this.client = client;
        this.config = config;
        this.meters = meters;
    }

    /**
     * The value schema of an event of {@code topic}, from the Connect schema it carried or, without one, inferred
     * from its values; its key schema is registered on the way when {@code keys} (the key columns) are given.
     *
     * @throws MalformedEventException with {@code incompatible_schema} or {@code schema_mismatch} when the schema is
     *                                 refused and the policy dead-letters
     * @throws TablePausedException    when the schema is refused and the policy pauses the table
     */
    public AcceptedSchema resolve(String topic, RawJson connectSchema, JsonNode envelope, List<String> keys) {
        Schema connect;
        AcceptedSchema accepted;
        if (connectSchema != null) {
            // Known schemas are recognised by their bytes: a schema of kilobytes is parsed only the first time.
            Shape shape = new Shape(topic, connectSchema);
            accepted = byShape.get(shape);
            if (accepted != null && keys.equals(keyColumns.get(topic))) {
                return accepted;
            }
            connect = schemas.connectSchema(connectSchema.tree());
            if (accepted == null) {
                accepted = registerValue(topic, schemas.valueSchema(connect));
                byShape.put(shape, accepted);
            }
        } else {
            Inferred known = inferred.get(topic);
            InferredSchemas.Inferred next = InferredSchemas.infer(topic, envelope.get("before"), envelope.get("after"),
                    envelope.get("source"), known == null ? null : known.schema());
            if (known != null && known.schema().envelope().equals(next.envelope())) {
                accepted = known.accepted();
            } else {
                accepted = registerValue(topic, schemas.valueSchema(next.envelope()));
                inferred.put(topic, new Inferred(next, accepted));
            }
            connect = next.envelope();
        }
        if (!keys.isEmpty() && !keys.equals(keyColumns.get(topic))) {
            registerKey(topic, connect, keys);
        }
        return accepted;
    }

    /** The key schema last registered for a topic's events (by {@link #resolve} with its key columns). */
    public Optional<AcceptedSchema> keySchema(String topic) {
        return Optional.ofNullable(keySchemas.get(topic));
    }

    /** The value schema version each topic's events currently carry, as far as this instance has seen. */
    public Map<String, SubjectVersion> currentVersions() {
        return Map.copyOf(current);
    }

    /** Registers a refused schema as the next version of its subject (an operator accepted it). */
    public int accept(String subject, String schema) {
        int id = client.registerIgnoringCompatibility(subject, AVRO, schema, baseline(subject));
        rejected.keySet().removeIf(k -> k.startsWith(subject + '\u0000'));
        return id;
    }

    /**
     * Forgets the refusals remembered for a topic's subjects, so that its next event asks the registry again: a
     * record an operator sent back from the dead-letter topic comes after a fix (a schema registered, a level
     * changed), which the remembered refusal ({@code rejection-ttl}) would otherwise hide for a while.
     */
    public void forgetRejections(String topic) {
        if (!rejected.isEmpty()) {
            rejected.keySet().removeIf(k -> k.startsWith(topic + "-value\u0000") || k.startsWith(topic + "-key\u0000"));
        }
    }

    private AcceptedSchema registerValue(String topic, org.apache.avro.Schema avro) {
        String subject = topic + "-value";
        String text = avro.toString();
        SubjectVersion version = register(topic, subject, text, null);
        return new AcceptedSchema(version.id(), version.version(), avro);
    }

    private void registerKey(String topic, Schema connect, List<String> keys) {
        String subject = topic + "-key";
        String text = schemas.keySchema(connect, keys).toString();
        Rejection refused = rejected.get(subject + '\u0000' + text);
        if (refused != null && refused.until > System.currentTimeMillis()) {
            throw refused.exception();
        }
        List<String> before = keyColumns.get(topic);
        if (before == null) {
            before = client.latest(subject).map(v -> fieldNames(v.schema())).orElse(null);
        }
        String keyChange = before != null && !before.equals(keys)
                ? "the primary key of " + topic + " changed from " + before + " to " + keys : null;
        SubjectVersion version = register(topic, subject, text, keyChange);
        keySchemas.put(topic, new AcceptedSchema(version.id(), version.version(), new org.apache.avro.Schema.Parser().parse(text)));
        keyColumns.put(topic, List.copyOf(keys));
    }

    /**
     * Registers {@code text} under {@code subject}; {@code incompatibility} (or the registry's refusal) makes it an
     * incompatible change, handled by the table's policy.
     */
    private SubjectVersion register(String topic, String subject, String text, String incompatibility) {
        Rejection previous = rejected.get(subject + '\u0000' + text);
        if (previous != null && previous.until > System.currentTimeMillis()) {
            throw previous.exception();
        }
        Optional<SubjectVersion> before = client.latest(subject);
        String refusal = incompatibility;
        if (refusal == null) {
            try {
                client.register(subject, AVRO, text);
            } catch (SchemaRejectedException e) {
                if (!e.incompatible()) {
                    throw reject(topic, subject, text, MalformedEventException.Reason.SCHEMA_MISMATCH, e.getMessage());
                }
                refusal = e.getMessage();
            }
        }
        SchemaChangePolicy policy = policy(topic);
        if (refusal != null) {
            switch (policy) {
                case NEW_VERSION -> client.registerIgnoringCompatibility(subject, AVRO, text, baseline(subject));
                case DEAD_LETTER -> throw reject(topic, subject, text, MalformedEventException.Reason.INCOMPATIBLE_SCHEMA,
                        refusal + " (schema-change policy dead-letter)");
                case PAUSE -> {
                    changed(topic, subject, before, null, false, policy);
                    throw new TablePausedException(topic, subject, text, refusal + " (schema-change policy pause)");
                }
            }
        }
        SubjectVersion now = client.lookup(subject, AVRO, text);
        changed(topic, subject, before, now, refusal == null, policy);
        if (subject.endsWith("-value")) {
            current.put(topic, now);
        }
        rejected.remove(subject + '\u0000' + text);
        return now;
    }

    /** Logs and counts a change of a subject's schema (nothing when the schema was its latest version already). */
    private void changed(String topic, String subject, Optional<SubjectVersion> before, SubjectVersion now,
                         boolean compatible, SchemaChangePolicy policy) {
        if (before.isPresent() && now != null && before.get().version() >= now.version()) {
            return;
        }
        String from = before.map(v -> "version " + v.version()).orElse("no schema");
        String to = now == null ? "a refused schema" : "version " + now.version() + " (id " + now.id() + ")";
        meters.counter("cdc.router.schema.changes", "topic", topic, "subject", subject,
                "compatible", Boolean.toString(compatible), "policy", policy.name().toLowerCase().replace('_', '-'))
                .increment();
        if (compatible) {
            LOG.infof("schema change of %s: %s from %s to %s, compatible", topic, subject, from, to);
        } else {
            LOG.warnf("schema change of %s: %s from %s to %s, incompatible; policy %s", topic, subject, from, to,
                    policy.name().toLowerCase().replace('_', '-'));
        }
    }

    private MalformedEventException reject(String topic, String subject, String text,
                                           MalformedEventException.Reason reason, String message) {
        Rejection r = new Rejection(System.currentTimeMillis() + config.registry().rejectionTtl().toMillis(), reason,
                message);
        if (rejected.put(subject + '\u0000' + text, r) == null) {
            meters.counter("cdc.router.schemas.rejected", "subject", subject).increment();
            LOG.warnf("%s; the events of %s that carry it go to the dead-letter topic", message, topic);
        }
        return r.exception();
    }

    /** The table's schema-change policy: its own, else the default. */
    public SchemaChangePolicy policy(String topic) {
        return config.schemaChangePolicies().getOrDefault(topic, config.schemaChangePolicy());
    }

    private Optional<String> baseline(String subject) {
        return baselines.computeIfAbsent(subject, client::subjectCompatibility);
    }

    private static List<String> fieldNames(String avroSchema) {
        try {
            return new org.apache.avro.Schema.Parser().parse(avroSchema).getFields().stream()
                    .map(org.apache.avro.Schema.Field::name).toList();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A topic and the schema its events carried. */
    private record Shape(String topic, RawJson schema) {
    }

    /** What a schemaless topic's events were inferred to have, and the schema registered for it. */
    private record Inferred(InferredSchemas.Inferred schema, AcceptedSchema accepted) {
    }

    private record Rejection(long until, MalformedEventException.Reason reason, String message) {
        MalformedEventException exception() {
            return new MalformedEventException(reason, message);
        }
    }
}
