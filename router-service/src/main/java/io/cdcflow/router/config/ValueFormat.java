package io.cdcflow.router.config;

/** The encoding of a validated value's payload inside its Confluent wire-format frame. */
public enum ValueFormat {
    /** JSON text, framed with the id of a JSON Schema (what {@code KafkaJsonSchemaDeserializer} reads). */
    JSON,
    /** Avro binary, framed with the id of the table's Avro schema (what {@code KafkaAvroDeserializer} reads). */
    AVRO
}
