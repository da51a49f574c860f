package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.apicurio.registry.utils.converter.avro.AvroData;
import io.apicurio.registry.utils.converter.avro.AvroDataConfig;
import io.cdcflow.model.MalformedEventException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;

import java.util.List;
import java.util.Map;

/**
 * Turns the Kafka Connect schema of a change envelope into the Avro schemas the router registers, the way Kafka
 * Connect's AvroConverter registers Debezium's (AvroData, in Apicurio's port of Confluent's code), with one change
 * that makes ordinary DDL a compatible evolution: every column of the row record is optional (a union with null),
 * keeping its DDL default (AvroData's {@code connect.default}, and the field default when the column has one).
 * So under BACKWARD an added column (nullable or with a default), a dropped or renamed one, a widened type (int to
 * long, float to double, a longer string or decimal) and a changed nullability or default are all compatible, and a
 * narrowed or changed type is not, as the Avro specification's schema resolution decides.
 *
 * <p>The key schema is the record of the key columns with their exact (required) types, named {@code <topic>.Key}.
 * Thread-safe.
 */
public final class EnvelopeSchemas {

    private final AvroData avro = new AvroData(new AvroDataConfig.Builder()
            .with(AvroDataConfig.CONNECT_META_DATA_CONFIG, true)
            .with(AvroDataConfig.SCHEMAS_CACHE_SIZE_CONFIG, 1000).build());
    private final JsonConverter json = new JsonConverter();

    public EnvelopeSchemas() {
        json.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
    }

    /** The Connect schema of a JsonConverter {@code schema} block. */
    public Schema connectSchema(JsonNode schemaJson) {
        try {
            return json.asConnectSchema(schemaJson);
        } catch (DataException e) {
            throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                    "not a Kafka Connect schema: " + e.getMessage(), e);
        }
    }

    /** The Avro value schema registered for an envelope with this Connect schema. */
    public org.apache.avro.Schema valueSchema(Schema envelope) {
        return avro.fromConnectSchema(relaxed(envelope));
    }

    /** The Avro key schema of the key columns, typed as the envelope's row declares them. */
    public org.apache.avro.Schema keySchema(Schema envelope, List<String> keyColumns) {
        Schema row = row(envelope);
        String name = row.name() != null && row.name().endsWith(".Value")
                ? row.name().substring(0, row.name().length() - ".Value".length()) + ".Key" : "Key";
        SchemaBuilder key = SchemaBuilder.struct().name(name);
        for (String column : keyColumns) {
            Field f = row.field(column);
            if (f == null) {
                throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                        "key column '" + column + "' is not a column of the row schema " + row.name());
            }
            key.field(column, required(f.schema()));
        }
        return avro.fromConnectSchema(key.build());
    }

    /** The row struct of an envelope: the schema of its {@code after} (or {@code before}) field. */
    static Schema row(Schema envelope) {
        if (envelope.type() != Schema.Type.STRUCT) {
            throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                    "the Connect schema is not a struct");
        }
        for (String image : new String[]{"after", "before"}) {
            Field f = envelope.field(image);
            if (f != null && f.schema().type() == Schema.Type.STRUCT) {
                return f.schema();
            }
        }
        throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                "the Connect schema has no 'after' or 'before' struct: not a Debezium envelope");
    }

    /** The envelope with every column of its row struct optional; everything else as it was. */
    static Schema relaxed(Schema envelope) {
        Schema row = row(envelope);
        SchemaBuilder relaxedRow = builder(row);
        for (Field f : row.fields()) {
            relaxedRow.field(f.name(), withOptional(f.schema(), true));
        }
        if (row.isOptional()) {
            relaxedRow.optional();
        }
        Schema relaxedRowSchema = relaxedRow.build();
        SchemaBuilder out = builder(envelope);
        for (Field f : envelope.fields()) {
            boolean image = ("before".equals(f.name()) || "after".equals(f.name())) && f.schema().type() == Schema.Type.STRUCT;
            out.field(f.name(), image ? relaxedRowSchema : f.schema());
        }
        return out.build();
    }

    /** {@code s} with its fields, default and everything else, required or optional as asked. */
    private static Schema withOptional(Schema s, boolean optional) {
        if (s.isOptional() == optional) {
            return s;
        }
        SchemaBuilder b = builder(s);
        if (s.type() == Schema.Type.STRUCT) {
            s.fields().forEach(f -> b.field(f.name(), f.schema()));
        }
        if (optional) {
            b.optional();
        }
        if (s.defaultValue() != null) {
            b.defaultValue(s.defaultValue());
        }
        return b.build();
    }

    /** A builder with {@code s}'s type, name, version, doc and parameters (and element types); no fields yet. */
    private static SchemaBuilder builder(Schema s) {
        SchemaBuilder b = switch (s.type()) {
            case ARRAY -> SchemaBuilder.array(s.valueSchema());
            case MAP -> SchemaBuilder.map(s.keySchema(), s.valueSchema());
            default -> new SchemaBuilder(s.type());
        };
        if (s.name() != null) {
            b.name(s.name());
        }
        if (s.version() != null) {
            b.version(s.version());
        }
        if (s.doc() != null) {
            b.doc(s.doc());
        }
        if (s.parameters() != null) {
            b.parameters(s.parameters());
        }
        return b;
    }

    private static Schema required(Schema s) {
        return withOptional(s, false);
    }
}
