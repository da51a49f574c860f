package io.cdcflow.router.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.RowKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.WireFormat;
import io.cdcflow.registryclient.AvroJson;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.registryclient.SchemaRejectedException;
import io.cdcflow.router.config.RouterConfig;
import io.cdcflow.router.config.ValueFormat;
import io.cdcflow.router.config.KeyFormat;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a validated event as the value of its validated topic, in the Confluent wire format with the configured
 * {@link ValueFormat}: the payload's schema (the JSON Schema of the table's Avro schema, or that Avro schema) is
 * registered under {@code <validated topic>-value}, Confluent's topic-name strategy, once per table schema. The
 * versions of that subject follow the table's own subject ({@code <topic>-value}), whose compatibility check and
 * schema-change policy already decided; a version the registry calls incompatible there is registered anyway. Keys
 * stay plain JSON, or with {@code key-format=framed} are framed the same way under {@code <validated topic>-key}.
 */
@ApplicationScoped
public class ValidatedRecords {

    private static final Logger LOG = Logger.getLogger(ValidatedRecords.class);

    private final SchemaRegistryClient client;
    private final ValueFormat format;
    private final boolean framedKeys;
    private final Map<Target, Integer> ids = new ConcurrentHashMap<>();

    public ValidatedRecords(SchemaRegistryClient client, RouterConfig config) {
        this.client = client;
        this.format = config.valueFormat();
        this.framedKeys = config.keyFormat() == KeyFormat.FRAMED;
    }

    /**
     * The key of a validated record: {@code key} as it came (plain), or its columns framed under the table's key
     * schema ({@code key-format=framed}), decimals made canonical on the way.
     */
    public byte[] key(String topic, Optional<AcceptedSchema> keySchema, byte[] key, RowKey columns) {
        if (!framedKeys || key == null || columns == null) {
            return key;
        }
        AcceptedSchema schema = keySchema.orElseThrow(() -> new IllegalStateException(
                "no key schema was registered for " + topic + " before its first framed key"));
        ObjectNode canonical = columns.columns().deepCopy();
        List<String> violations = schema.violations(canonical);
        if (!violations.isEmpty()) {
            throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                    "the key does not match its registered schema " + schema.id() + ": " + String.join("; ", violations));
        }
        return frame(topic + "-key", schema, canonical);
    }

    /** The framed value of {@code event}, validated under {@code schema}, for the validated {@code topic}. */
    public byte[] value(String topic, AcceptedSchema schema, JsonNode event) {
        if (format == ValueFormat.AVRO) {
            sourceInSchema(schema, event);
        }
        return frame(topic + "-value", schema, event);
    }

    private byte[] frame(String subject, AcceptedSchema schema, JsonNode payloadJson) {
        Target target = new Target(subject, schema.id());
        Integer id = ids.get(target);
        if (id == null) {
            id = register(subject, schema);
            ids.put(target, id);
        }
        byte[] payload = switch (format) {
            case AVRO -> AvroJson.encode(schema.avro(), payloadJson);
            case JSON -> json(payloadJson);
        };
        return WireFormat.frame(id, payload);
    }

    /**
     * Avro keeps only the fields its schema has. A source field the event carries but its Connect schema does not
     * declare (JSON keeps it) would be lost, and with it maybe the position: such an event is refused, naming it.
     */
    private static void sourceInSchema(AcceptedSchema schema, JsonNode event) {
        JsonNode source = event.get("source");
        org.apache.avro.Schema.Field field = schema.avro().getField("source");
        if (source == null || !source.isObject()) {
            return;
        }
        org.apache.avro.Schema record = field == null ? null : nonNull(field.schema());
        for (var it = source.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNull() && (record == null || record.getField(e.getKey()) == null)) {
                throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH, "source."
                        + e.getKey() + " is not in the event's Connect schema, and an Avro value keeps only what its "
                        + "schema declares (cdc.router.value-format=avro); declare it, or write JSON values");
            }
        }
    }

    private static org.apache.avro.Schema nonNull(org.apache.avro.Schema s) {
        if (s.getType() != org.apache.avro.Schema.Type.UNION) {
            return s.getType() == org.apache.avro.Schema.Type.RECORD ? s : null;
        }
        return s.getTypes().stream().filter(t -> t.getType() == org.apache.avro.Schema.Type.RECORD).findFirst().orElse(null);
    }

    private int register(String subject, AcceptedSchema schema) {
        String type = format == ValueFormat.AVRO ? "AVRO" : "JSON";
        String text = format == ValueFormat.AVRO ? schema.avro().toString() : JsonSchemaOfAvro.text(schema.avro());
        int id;
        try {
            id = client.register(subject, type, text);
        } catch (SchemaRejectedException e) {
            if (!e.incompatible()) {
                throw new IllegalStateException("the registry refused the " + type + " schema of " + subject
                        + " derived from schema id " + schema.id() + ": " + e.getMessage(), e);
            }
            id = client.registerIgnoringCompatibility(subject, type, text, client.subjectCompatibility(subject));
        }
        LOG.debugf("%s: values framed with %s schema id %d (table schema id %d)", subject, type, id, schema.id());
        return id;
    }

    private static byte[] json(JsonNode event) {
        try {
            return Json.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a parsed event as JSON", e);
        }
    }

    private record Target(String subject, int tableSchemaId) {
    }
}
