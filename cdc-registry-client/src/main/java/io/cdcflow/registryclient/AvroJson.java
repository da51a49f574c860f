package io.cdcflow.registryclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.MalformedEventException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cdcflow.model.MalformedEventException.Reason.SCHEMA_MISMATCH;

/**
 * Avro binary for a change event in cdcflow's canonical JSON, and back, under the Avro schema the router registered
 * for its table. The JSON side is the one the router validates ({@code AvroJsonValidator}): a decimal is a JSON
 * number with at most its scale's digits after the point, bytes and fixed are base64 text, an enum is its symbol, a
 * map is an object, a union takes the first branch the value fits. A field absent from the JSON takes its default
 * (null where the field is nullable). Decoding writes every field, nulls included. Thread-safe.
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    /** The Avro binary encoding of {@code value} under {@code schema}. */
    public static byte[] encode(Schema schema, JsonNode value) {
        Object datum = datum(schema, value, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException e) {
            throw new MalformedEventException(SCHEMA_MISMATCH, "cannot write the event in Avro under schema "
                    + schema.getFullName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The canonical JSON of an Avro binary {@code payload} written under {@code schema}. */
    public static JsonNode decode(Schema schema, byte[] payload) {
        Object datum;
        try {
            datum = new GenericDatumReader<>(schema).read(null, DecoderFactory.get().binaryDecoder(payload, null));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new MalformedEventException(SCHEMA_MISMATCH,
                    "not Avro binary of schema " + schema.getFullName() + ": " + e.getMessage(), e);
        }
        return json(schema, datum);
    }

    private static Object datum(Schema schema, JsonNode v, String path) {
        boolean isNull = v == null || v.isNull() || v.isMissingNode();
        if (schema.getType() == Schema.Type.UNION) {
            return union(schema, v, isNull, path);
        }
        if (isNull && schema.getType() != Schema.Type.NULL) {
            throw mismatch(path, "null where the schema wants " + schema.getType().getName());
        }
        return switch (schema.getType()) {
            case NULL -> null;
            case BOOLEAN -> v.booleanValue();
            case INT -> v.intValue();
            case LONG -> v.longValue();
            case FLOAT -> v.floatValue();
            case DOUBLE -> v.doubleValue();
            case STRING -> v.asText();
            case ENUM -> new GenericData.EnumSymbol(schema, v.asText());
            case BYTES -> ByteBuffer.wrap(bytes(schema, v, path));
            case FIXED -> new GenericData.Fixed(schema, bytes(schema, v, path));
            case ARRAY -> {
                List<Object> items = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    items.add(datum(schema.getElementType(), v.get(i), path + "[" + i + "]"));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    map.put(e.getKey(), datum(schema.getValueType(), e.getValue(), path + "." + e.getKey()));
                }
                yield map;
            }
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    JsonNode fv = v.get(f.name());
                    if (fv == null && f.hasDefaultValue()) {
                        record.put(f.pos(), GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
                    } else {
                        record.put(f.pos(), datum(f.schema(), fv, path + "." + f.name()));
                    }
                }
                yield record;
            }
            case UNION -> throw new IllegalStateException("unreachable");
        };
    }

    private static Object union(Schema schema, JsonNode v, boolean isNull, String path) {
        for (Schema branch : schema.getTypes()) {
            if (isNull ? branch.getType() == Schema.Type.NULL : fits(branch, v)) {
                return datum(branch, v, path);
            }
        }
        throw mismatch(path, (isNull ? "null" : v.getNodeType().name().toLowerCase()) + " fits no branch of " + schema);
    }

    /** Whether a JSON value is of the Avro type's kind (the router validated its details). */
    private static boolean fits(Schema s, JsonNode v) {
        return switch (s.getType()) {
            case NULL -> v.isNull();
            case BOOLEAN -> v.isBoolean();
            case INT -> v.isIntegralNumber() && v.canConvertToInt();
            case LONG -> v.isIntegralNumber() && v.canConvertToLong();
            case FLOAT, DOUBLE -> v.isNumber();
            case STRING -> v.isTextual();
            case ENUM -> v.isTextual() && s.getEnumSymbols().contains(v.asText());
            case BYTES, FIXED -> v.isTextual() || (s.getLogicalType() instanceof LogicalTypes.Decimal && v.isNumber());
            case ARRAY -> v.isArray();
            case MAP, RECORD -> v.isObject();
            case UNION -> s.getTypes().stream().anyMatch(b -> fits(b, v));
        };
    }

    private static byte[] bytes(Schema schema, JsonNode v, String path) {
        if (schema.getLogicalType() instanceof LogicalTypes.Decimal d && v.isNumber()) {
            try {
                return v.decimalValue().setScale(d.getScale(), RoundingMode.UNNECESSARY).unscaledValue().toByteArray();
            } catch (ArithmeticException e) {
                throw mismatch(path, v + " has more digits after the point than the scale " + d.getScale());
            }
        }
        try {
            return Base64.getDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw mismatch(path, "not base64: " + v.asText());
        }
    }

    private static JsonNode json(Schema schema, Object datum) {
        if (datum == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case NULL -> NODES.nullNode();
            case BOOLEAN -> NODES.booleanNode((Boolean) datum);
            case INT -> NODES.numberNode((Integer) datum);
            case LONG -> NODES.numberNode((Long) datum);
            case FLOAT -> NODES.numberNode((Float) datum);
            case DOUBLE -> NODES.numberNode((Double) datum);
            case STRING, ENUM -> NODES.textNode(datum.toString());
            case BYTES -> bytesJson(schema, toArray((ByteBuffer) datum));
            case FIXED -> bytesJson(schema, ((GenericData.Fixed) datum).bytes());
            case ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                for (Object item : (Iterable<?>) datum) {
                    a.add(json(schema.getElementType(), item));
                }
                yield a;
            }
            case MAP -> {
                ObjectNode o = NODES.objectNode();
                ((Map<?, ?>) datum).forEach((k, item) -> o.set(k.toString(), json(schema.getValueType(), item)));
                yield o;
            }
            case RECORD -> {
                ObjectNode o = NODES.objectNode();
                GenericRecord r = (GenericRecord) datum;
                for (Schema.Field f : schema.getFields()) {
                    o.set(f.name(), json(f.schema(), r.get(f.pos())));
                }
                yield o;
            }
            case UNION -> json(schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)), datum);
        };
    }

    private static JsonNode bytesJson(Schema schema, byte[] bytes) {
        if (schema.getLogicalType() instanceof LogicalTypes.Decimal d) {
            return NODES.numberNode(new BigDecimal(new BigInteger(bytes), d.getScale()));
        }
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static MalformedEventException mismatch(String path, String detail) {
        return new MalformedEventException(SCHEMA_MISMATCH, "cannot write the event in Avro: "
                + (path.isEmpty() ? "value" : path.substring(1)) + ": " + detail);
    }
}
