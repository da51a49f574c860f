package io.cdcflow.registry.store;

/** A stored compatibility setting; null fields are not set at that scope. */
public record SubjectSettings(String compatibility, Boolean normalize) {
}
