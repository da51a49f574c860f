package io.cdcflow.registry.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.cdcflow.registry.RegistryException;
import io.cdcflow.registry.store.SchemaReference;

import java.util.List;

/** Request bodies and path values of the registry API, with their validation. */
public final class Requests {

    private Requests() {
    }

    /** Body of register, look-up and compatibility requests; fields of Confluent's data contracts are ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SchemaRequest(String schema, String schemaType, List<SchemaReference> references, Integer id,
                                Integer version) {
        public List<SchemaReference> referencesOrEmpty() {
            return references == null ? List.of() : references;
        }
    }

    /** Body of PUT /config. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ConfigRequest(String compatibility, String compatibilityLevel, Boolean normalize) {
        /** Confluent accepts both spellings. */
        public String level() {
            return compatibility != null ? compatibility : compatibilityLevel;
        }
    }

    /** Body of PUT /mode. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModeRequest(String mode) {
    }

    /** A version path value: a number from 1, or {@code latest} / {@code -1} (null). */
    public static Integer version(String value) {
        if (value.equalsIgnoreCase("latest") || value.equals("-1")) {
            return null;
        }
        try {
            int v = Integer.parseInt(value);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw RegistryException.invalidVersion(value);
    }

    /** A subject name: not blank, no control characters. */
    public static String subject(String subject) {
        if (subject == null || subject.isBlank() || subject.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.invalidSubject(subject == null ? "" : subject);
        }
        return subject;
    }
}
