package io.cdcflow.registry.schema;

import java.util.Locale;
import java.util.Optional;

/**
 * The seven compatibility levels of Confluent's registry. BACKWARD: the new schema reads data written with the
 * previous one; FORWARD: the previous one reads data written with the new one; FULL: both; transitive levels check
 * every earlier version instead of only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    public boolean backward() {
        return backward;
    }

    public boolean forward() {
        return forward;
    }

    public boolean transitive() {
        return transitive;
    }

    /** The level named by {@code name} (any case), or empty. */
    public static Optional<CompatibilityLevel> parse(String name) {
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
