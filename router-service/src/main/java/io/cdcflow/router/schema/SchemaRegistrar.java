package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.RawJson;
import io.cdcflow.router.config.RouterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the registered value schema for each event, registering it under {@code <topic>-value} the first time a
 * topic shows a new shape. Accepted schemas are cached (by topic and shape), so the registry is asked once per
 * schema change, not per event; a refused schema is remembered for {@code rejection-ttl} and its events are
 * dead-lettered with the registry's reason, logged once; while the registry cannot be reached the call blocks and
 * retries with backoff, so consumption pauses and nothing is dead-lettered for an outage.
 */
@ApplicationScoped
public class SchemaRegistrar {

    private static final Logger LOG = Logger.getLogger(SchemaRegistrar.class);
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    private final SchemaRegistryClient client;
    private final RouterConfig.Registry config;
    private final MeterRegistry meters;
    private final Map<Shape, RegisteredSchema> byShape = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> latestInferred = new ConcurrentHashMap<>();
    private final Map<Shape, Rejection> rejected = new ConcurrentHashMap<>();

    SchemaRegistrar(SchemaRegistryClient client, RouterConfig config, MeterRegistry meters) {
        this.client = client;
        this.config = config.registry();
        this.meters = meters;
        meters.counter("cdc.router.registry.errors"); // exported from the start, so alerts see a series at 0
    }

    /**
     * The schema for an event of {@code topic}, from the Connect schema it carried or, without one, inferred from
     * its rows.
     *
     * @throws MalformedEventException with {@code incompatible_schema} or {@code schema_mismatch} when the registry
     *                                 refused the schema
     */
    public RegisteredSchema resolve(String topic, RawJson connectSchema, JsonNode envelope) {
        if (connectSchema != null) {
            // Known schemas are recognised by their bytes: a schema of kilobytes is parsed only the first time.
            Shape shape = new Shape(topic, connectSchema);
            RegisteredSchema known = byShape.get(shape);
            return known != null ? known : register(topic, shape, ValueSchemas.fromConnectSchema(topic, connectSchema.tree()));
        }
        RegisteredSchema latest = latestInferred.get(topic);
        if (latest != null && latest.violations(envelope).isEmpty()) {
            return latest;
        }
        ObjectNode inferred = ValueSchemas.inferred(topic, envelope.get("before"), envelope.get("after"));
        RegisteredSchema registered = register(topic, new Shape(topic, RawJson.of(inferred)), inferred);
        latestInferred.put(topic, registered);
        return registered;
    }

    private RegisteredSchema register(String topic, Shape shape, ObjectNode schema) {
        String subject = topic + "-value";
        Rejection previous = rejected.get(shape);
        if (previous != null && previous.until > System.currentTimeMillis()) {
            throw previous.exception();
        }
        Duration backoff = Duration.ofMillis(100);
        boolean warned = false;
        while (true) {
            try {
                int id = client.register(subject, schema);
                if (warned) {
                    LOG.infof("schema registry is reachable again; registered %s as id %d", subject, id);
                }
                RegisteredSchema registered = new RegisteredSchema(id, schema, FACTORY.getSchema(schema));
                byShape.put(shape, registered);
                rejected.remove(shape);
                meters.counter("cdc.router.schemas.registered", "subject", subject).increment();
                LOG.infof("value schema of %s is registry id %d", topic, id);
                return registered;
            } catch (SchemaRegistryClient.SchemaRejectedException e) {
                Rejection r = new Rejection(System.currentTimeMillis() + config.rejectionTtl().toMillis(),
                        e.incompatible() ? MalformedEventException.Reason.INCOMPATIBLE_SCHEMA
                                : MalformedEventException.Reason.SCHEMA_MISMATCH, e.getMessage());
                if (rejected.put(shape, r) == null) {
                    meters.counter("cdc.router.schemas.rejected", "subject", subject).increment();
                    LOG.warnf("%s; its events go to the dead-letter topic", e.getMessage());
                }
                throw r.exception();
            } catch (SchemaRegistryClient.RegistryUnavailableException e) {
                meters.counter("cdc.router.registry.errors").increment();
                if (!warned) {
                    LOG.warnf("%s; retrying with backoff, consumption paused", e.getMessage());
                    warned = true;
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : backoff.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
    }

    /** A topic and the schema its events carried (or were inferred to have). */
    private record Shape(String topic, RawJson schema) {
    }

    private record Rejection(long until, MalformedEventException.Reason reason, String message) {
        MalformedEventException exception() {
            return new MalformedEventException(reason, message);
        }
    }
}
