package io.cdcflow.registry.store;

import java.util.Locale;
import java.util.Optional;

/**
 * Confluent's registry modes: READWRITE (default), READONLY and READONLY_OVERRIDE refuse changes to schemas, IMPORT
 * accepts registrations that bring their own id and version (to copy another registry).
 */
public enum RegistryMode {
    READWRITE, READONLY, READONLY_OVERRIDE, IMPORT;

    /** Whether registering and deleting schemas is refused. */
    public boolean readOnly() {
        return this == READONLY || this == READONLY_OVERRIDE;
    }

    /** The mode named {@code name} (any case), or empty. */
    public static Optional<RegistryMode> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
