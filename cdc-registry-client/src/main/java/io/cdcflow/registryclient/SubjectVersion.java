package io.cdcflow.registryclient;

/**
 * One version of a subject: the subject, its version number there, and the schema's global id, type and text.
 */
public record SubjectVersion(String subject, int version, int id, String type, String schema) {
}
