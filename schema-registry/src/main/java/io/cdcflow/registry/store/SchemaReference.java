package io.cdcflow.registry.store;

/** Confluent's reference from a schema to a named schema of another subject and version. */
public record SchemaReference(String name, String subject, int version) {
}
