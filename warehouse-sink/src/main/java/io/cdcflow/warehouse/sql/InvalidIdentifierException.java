package io.cdcflow.warehouse.sql;

/** A source or configured name that cannot be a PostgreSQL identifier; its records are dead-lettered. */
public class InvalidIdentifierException extends RuntimeException {

    /** The dead-letter reason of such records. */
    public static final String REASON = "invalid_identifier";

    public InvalidIdentifierException(String message) {
        super(message);
    }
}
