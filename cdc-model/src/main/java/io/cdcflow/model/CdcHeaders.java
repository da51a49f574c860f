package io.cdcflow.model;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/** Names of the Kafka record headers that cdcflow's services write and read, other than the dead-letter ones. */
public final class CdcHeaders {

    /** The registry id of the value schema a validated record conforms to, in decimal text. */
    public static final String SCHEMA_ID = "cdc.schema.id";

    private CdcHeaders() {
    }

    /** A schema id header's value; empty when absent or not a number. */
    public static OptionalInt schemaId(byte[] header) {
        if (header == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(new String(header, StandardCharsets.UTF_8).strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
