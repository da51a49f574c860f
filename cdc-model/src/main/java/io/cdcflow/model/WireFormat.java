package io.cdcflow.model;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The Confluent wire format of a record's value: a magic byte {@code 0}, the registry's global schema id as four
 * big-endian bytes, then the payload encoded under that schema (JSON text for a JSON Schema, Avro binary for an Avro
 * schema). Confluent's deserializers, ksqlDB and Flink's {@code avro-confluent} format read values framed this way.
 */
public final class WireFormat {

    public static final byte MAGIC = 0;
    private static final int HEADER = 5;

    private WireFormat() {
    }

    /** {@code payload} framed with {@code schemaId}. */
    public static byte[] frame(int schemaId, byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).put(MAGIC).putInt(schemaId).put(payload).array();
    }

    /**
     * The schema id of a framed value; empty when the value is not framed. A JSON document never starts with byte 0,
     * so a bare JSON value is never taken for a framed one.
     */
    public static OptionalInt schemaId(byte[] value) {
        if (value == null || value.length < HEADER || value[0] != MAGIC) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ByteBuffer.wrap(value, 1, 4).getInt());
    }

    /** The payload of a framed value (the value itself when it is not framed). */
    public static byte[] payload(byte[] value) {
        return schemaId(value).isPresent() ? Arrays.copyOfRange(value, HEADER, value.length) : value;
    }
}
