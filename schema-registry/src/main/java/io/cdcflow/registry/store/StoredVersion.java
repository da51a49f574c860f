package io.cdcflow.registry.store;

/** One version of a subject and the schema it points to. */
public record StoredVersion(String subject, int version, boolean deleted, StoredSchema schema) {
}
