package io.cdcflow.registry.schema;

/** Schema text that does not parse or does not validate (Confluent error 42201). */
public class InvalidSchemaException extends Exception {

    public InvalidSchemaException(String message) {
        super(message);
    }
}
