package io.cdcflow.registryclient;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;
import org.apache.avro.Schema;
import org.apache.avro.JsonProperties;
import org.apache.avro.SchemaParseException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the row part of an Avro change envelope as Kafka Connect's AvroData writes it (Debezium's Avro schemas, and
 * the router's): the record of the {@code after} (or {@code before}) union, whose fields are the columns, typed by
 * their Avro type and the {@code connect.type}, {@code connect.name}, {@code connect.parameters} and
 * {@code connect.default} properties AvroData adds.
 */
final class AvroRows {

    private AvroRows() {
    }

    static Optional<RowSchema> read(int id, String text) {
        Schema envelope;
        try {
            envelope = new Schema.Parser().setValidateDefaults(false).parse(text);
        } catch (SchemaParseException e) {
            return Optional.empty();
        }
        if (envelope.getType() != Schema.Type.RECORD) {
            return Optional.empty();
        }
        for (String image : new String[]{"after", "before"}) {
            Schema.Field field = envelope.getField(image);
            if (field != null) {
                Schema row = nonNull(field.schema());
                if (row.getType() == Schema.Type.RECORD) {
                    return Optional.of(new RowSchema(id, fields(row)));
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, ColumnSchema> fields(Schema record) {
        Map<String, ColumnSchema> out = new LinkedHashMap<>();
        for (Schema.Field f : record.getFields()) {
            Object d = f.hasDefaultValue() ? f.defaultVal() : null;
            out.put(f.name(), column(f.schema(), d == null || d == JsonProperties.NULL_VALUE ? null
                    : Json.mapper().valueToTree(d)));
        }
        return out;
    }

    private static ColumnSchema column(Schema schema, JsonNode fieldDefault) {
        boolean optional = schema.isNullable();
        Schema s = nonNull(schema);
        JsonNode parameters = Json.mapper().valueToTree(s.getObjectProp("connect.parameters"));
        String logical = s.getProp("connect.name") == null ? "" : s.getProp("connect.name");
        String connectType = switch (s.getType()) {
            case INT -> s.getProp("connect.type") != null ? s.getProp("connect.type") : "int32";
            case LONG -> "int64";
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case BOOLEAN -> "boolean";
            case STRING, ENUM -> "string";
            case BYTES, FIXED -> "bytes";
            case RECORD -> "struct";
            case ARRAY -> "array";
            case MAP -> "map";
            default -> "";
        };
        Object connectDefault = s.getObjectProp("connect.default");
        JsonNode defaultValue = connectDefault != null ? Json.mapper().valueToTree(connectDefault)
                : fieldDefault != null && !fieldDefault.isNull() ? fieldDefault : null;
        return new ColumnSchema(connectType, logical, ColumnSchema.parameters(parameters), optional, "", defaultValue,
                s.getType() == Schema.Type.RECORD ? fields(s) : Map.of(),
                s.getType() == Schema.Type.ARRAY ? column(s.getElementType(), null) : null,
                s.getType() == Schema.Type.MAP ? column(s.getValueType(), null) : null);
    }

    /** The one non-null branch of a {@code [null, T]} union, or the schema itself. */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElse(schema);
    }
}
