package io.cdcflow.registry.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link CompatibilityLevel} to a candidate schema and the earlier versions of its subject, producing
 * Confluent-style messages: the type-specific incompatibilities, then the old version, the old schema and the level.
 */
public final class CompatibilityChecker {

    /** An earlier version of the subject. */
    public record Previous(int version, ParsedSchema schema) {
    }

    private CompatibilityChecker() {
    }

    /**
     * The reasons {@code candidate} breaks {@code level} against {@code previous} (oldest first); empty when it does
     * not. Newest versions are checked first and the check stops at the first version it is incompatible with.
     */
    public static List<String> check(CompatibilityLevel level, ParsedSchema candidate, List<Previous> previous) {
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return List.of();
        }
        List<Previous> against = level.transitive() ? previous : previous.subList(previous.size() - 1, previous.size());
        for (int i = against.size() - 1; i >= 0; i--) {
            Previous old = against.get(i);
            List<String> messages = new ArrayList<>(incompatibilities(level, candidate, old.schema()));
            if (!messages.isEmpty()) {
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '" + old.schema().canonical() + "'}");
                messages.add("{compatibility: '" + level + "'}");
                return List.copyOf(messages);
            }
        }
        return List.of();
    }

    private static List<String> incompatibilities(CompatibilityLevel level, ParsedSchema candidate, ParsedSchema old) {
        if (!candidate.type().equals(old.type())) {
            return List.of("{errorType:'SCHEMA_TYPE_CHANGED', description:'Incompatible schema type: the old schema is "
                    + old.type() + ", the new schema is " + candidate.type() + "'}");
        }
        List<String> messages = new ArrayList<>();
        if (level.backward()) {
            messages.addAll(candidate.incompatibilitiesReading(old));
        }
        if (level.forward()) {
            messages.addAll(old.incompatibilitiesReading(candidate));
        }
        return messages;
    }
}
