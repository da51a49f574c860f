package io.cdcflow.warehouse.schema;

import io.cdcflow.model.MalformedEventException;

/** A column value that does not fit its column's type; its record is dead-lettered as {@code schema_mismatch}. */
public class ValueConversionException extends RuntimeException {

    /** The dead-letter reason of such records. */
    public static final String REASON = MalformedEventException.Reason.SCHEMA_MISMATCH.tag();

    public ValueConversionException(String message) {
        super(message);
    }
}
