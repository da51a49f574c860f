package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;

import java.util.List;

/**
 * A value schema the registry holds for a topic: its global id, its version in the topic's subject, and the Avro
 * schema events are checked against.
 */
public record AcceptedSchema(int id, int version, Schema avro) {

    /** The violations of one envelope (made canonical in place); empty when it conforms. */
    public List<String> violations(JsonNode envelope) {
        return AvroJsonValidator.check(avro, envelope);
    }
}
