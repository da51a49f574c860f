package io.cdcflow.search.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * The row part of a registered value schema: {@code definitions.Value} of the envelope schema, whose
 * {@code properties} are the table's columns annotated with {@code connect.type} / {@code connect.name}.
 *
 * @param id  the registry's global id of the value schema
 * @param row the {@code definitions.Value} object
 */
public record RowSchema(int id, JsonNode row) {

    public RowSchema {
        Objects.requireNonNull(row, "row");
    }

    /** The Kafka Connect logical name of a column ({@code io.debezium.time.Date}, ...), or "" when it has none. */
    public String logicalName(String column) {
        return row.path("properties").path(column).path("connect.name").asText("");
    }

    /** Reads the row schema out of a registered envelope schema; null when it has no {@code definitions.Value}. */
    public static RowSchema fromEnvelopeSchema(int id, JsonNode envelopeSchema) {
        JsonNode value = envelopeSchema.path("definitions").path("Value");
        return value.isObject() ? new RowSchema(id, value) : null;
    }
}
