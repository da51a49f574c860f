package io.cdcflow.registryclient;

import java.util.Optional;

/**
 * A schema as the registry holds it under a global id.
 *
 * @param id   its global id
 * @param type {@code AVRO}, {@code JSON} or {@code PROTOBUF}
 * @param text the schema text
 */
public record RegisteredSchema(int id, String type, String text) {

    /** The table row this value schema describes; empty when it is not a change envelope of a known form. */
    public Optional<RowSchema> rowSchema() {
        return switch (type) {
            case "JSON" -> JsonSchemaRows.read(id, text);
            case "AVRO" -> AvroRows.read(id, text);
            default -> Optional.empty();
        };
    }
}
