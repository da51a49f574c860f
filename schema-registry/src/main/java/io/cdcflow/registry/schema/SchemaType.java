package io.cdcflow.registry.schema;

/**
 * One kind of schema the registry understands (AVRO, JSON), chosen by the request's {@code schemaType}: it turns
 * schema text into a {@link ParsedSchema} or says why it cannot.
 */
public interface SchemaType {

    /** The Confluent name of the type, e.g. {@code AVRO}. */
    String name();

    /**
     * Parses and validates schema text; throws {@link InvalidSchemaException} with a reason a user can act on.
     * {@code referenced} holds the texts of the schemas it references, each after those it references itself.
     */
    ParsedSchema parse(String text, java.util.List<String> referenced) throws InvalidSchemaException;
}
