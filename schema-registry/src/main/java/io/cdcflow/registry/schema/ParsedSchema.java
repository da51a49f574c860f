package io.cdcflow.registry.schema;

import java.util.List;

/** A schema that parsed and validated: its canonical text, its normalized text, and its compatibility rules. */
public interface ParsedSchema {

    /** The Confluent name of its type ({@code AVRO}, {@code JSON}). */
    String type();

    /** The text the registry stores: the schema re-serialized without insignificant whitespace. */
    String canonical();

    /** The text stored when {@code normalize=true}: also independent of key order and of set-like array order. */
    String normalized();

    /**
     * Why this schema, as a reader, cannot read data written with {@code writer}; empty when it can. Both schemas
     * are of the same type.
     */
    List<String> incompatibilitiesReading(ParsedSchema writer);
}
