package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Kafka Connect schema for envelopes that carry none (a JSON converter with schemas disabled), inferred from the
 * values: every column optional, typed by its JSON value (integral numbers int64, other numbers float64, text,
 * booleans, arrays by their first typed element, objects as structs of their fields). A column whose value is null
 * is left out until a value shows its type. Inference merges with the columns a topic showed before, so a later
 * event without a column (or with a column still null) does not make a narrower schema: the inferred schema of a
 * topic only grows, and a column that turns from int64 to float64 is widened.
 */
public final class InferredSchemas {

    private InferredSchemas() {
    }

    /**
     * The envelope schema of {@code topic} for an event with these row images and source block, merged with what
     * the topic showed before ({@code previous}, null at first).
     */
    public static Inferred infer(String topic, JsonNode before, JsonNode after, JsonNode source, Inferred previous) {
        Map<String, Schema> columns = new LinkedHashMap<>(previous == null ? Map.of() : previous.columns());
        for (JsonNode image : new JsonNode[]{before, after}) {
            merge(columns, image);
        }
        Map<String, Schema> sourceFields = new LinkedHashMap<>(previous == null ? Map.of() : previous.sourceFields());
        merge(sourceFields, source);
        SchemaBuilder row = SchemaBuilder.struct().name(topic + ".Value").optional();
        columns.forEach(row::field);
        Schema rowSchema = row.build();
        SchemaBuilder sourceSchema = SchemaBuilder.struct().name(topic + ".Source");
        sourceFields.forEach(sourceSchema::field);
        SchemaBuilder envelope = SchemaBuilder.struct().name(topic + ".Envelope")
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", sourceSchema.build())
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .field("transaction", SchemaBuilder.struct().name("event.block").optional()
                        .field("id", Schema.STRING_SCHEMA)
                        .field("total_order", Schema.INT64_SCHEMA)
                        .field("data_collection_order", Schema.INT64_SCHEMA).build());
        return new Inferred(envelope.build(), columns, sourceFields);
    }

    /** An inferred envelope schema and the row columns and source fields it was built from. */
    public record Inferred(Schema envelope, Map<String, Schema> columns, Map<String, Schema> sourceFields) {
    }

    private static void merge(Map<String, Schema> fields, JsonNode object) {
        if (object != null && object.isObject()) {
            object.properties().forEach(e -> typeOf(e.getValue())
                    .ifPresent(t -> fields.merge(e.getKey(), t, InferredSchemas::wider)));
        }
    }

    private static Optional<Schema> typeOf(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (v.getNodeType()) {
            case NUMBER -> v.isIntegralNumber() && v.canConvertToLong() ? Schema.OPTIONAL_INT64_SCHEMA
                    : Schema.OPTIONAL_FLOAT64_SCHEMA;
            case STRING, BINARY -> Schema.OPTIONAL_STRING_SCHEMA;
            case BOOLEAN -> Schema.OPTIONAL_BOOLEAN_SCHEMA;
            case ARRAY -> {
                Schema element = null;
                for (JsonNode item : v) {
                    element = typeOf(item).orElse(null);
                    if (element != null) {
                        break;
                    }
                }
                yield element == null ? null : SchemaBuilder.array(element).optional().build();
            }
            case OBJECT -> struct(v);
            default -> null;
        });
    }

    private static Schema struct(JsonNode object) {
        SchemaBuilder b = SchemaBuilder.struct().optional();
        object.properties().forEach(e -> typeOf(e.getValue()).ifPresent(t -> b.field(e.getKey(), t)));
        return b.build();
    }

    /** int64 then float64 is float64; otherwise the newer type (an incompatible change the registry will judge). */
    private static Schema wider(Schema held, Schema seen) {
        if (held.type() == Schema.Type.FLOAT64 && seen.type() == Schema.Type.INT64) {
            return held;
        }
        if (held.type() == Schema.Type.STRUCT && seen.type() == Schema.Type.STRUCT) {
            SchemaBuilder b = SchemaBuilder.struct().optional();
            Map<String, Schema> fields = new LinkedHashMap<>();
            held.fields().forEach(f -> fields.put(f.name(), f.schema()));
            for (Field f : seen.fields()) {
                fields.merge(f.name(), f.schema(), InferredSchemas::wider);
            }
            fields.forEach(b::field);
            return b.build();
        }
        return seen;
    }
}
