package io.cdcflow.model;

/**
 * A record that cannot be read as a change event; its {@link Reason} is what a dead-letter header carries.
 */
public class MalformedEventException extends RuntimeException {

    /** Why a record was refused; the names are stable and appear in dead-letter headers and metric tags. */
    public enum Reason {
        UNPARSEABLE_JSON,
        NOT_AN_ENVELOPE,
        UNKNOWN_OP,
        MISSING_KEY,
        BAD_POSITION,
        TOO_LARGE,
        SCHEMA_MISMATCH,
        INCOMPATIBLE_SCHEMA,
        REJECTED_BY_STORE;

        /** The lower-case form used in headers and tags, e.g. {@code unparseable_json}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public MalformedEventException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MalformedEventException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
