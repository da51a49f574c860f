package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;

import java.util.Set;
import java.util.stream.Collectors;

/** A value schema the registry accepted: its global id and a compiled validator. */
public record RegisteredSchema(int id, JsonNode schema, JsonSchema validator) {

    /** The validation errors of one envelope, joined into one line; empty when it is valid. */
    public String violations(JsonNode envelope) {
        Set<ValidationMessage> errors = validator.validate(envelope);
        return errors.stream().map(ValidationMessage::getMessage).sorted().limit(5).collect(Collectors.joining("; "));
    }
}
