package io.cdcflow.warehouse.schema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The column types of a table's rows as one registered value schema declares them, in schema order.
 *
 * @param columns column name to type
 */
public record RowSchema(Map<String, ColumnType> columns) {

    public RowSchema {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /**
     * Reads the row part of a registered envelope schema (its {@code definitions.Value.properties}, as the
     * router registers it); empty when the schema has no such part.
     */
    public static Optional<RowSchema> fromEnvelopeSchema(JsonNode schema) {
        JsonNode properties = schema == null ? null : schema.path("definitions").path("Value").path("properties");
        if (properties == null || !properties.isObject()) {
            return Optional.empty();
        }
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        properties.properties().forEach(e -> columns.put(e.getKey(), ColumnTypes.fromSchema(e.getValue())));
        return Optional.of(new RowSchema(columns));
    }

    /** The declared type of a column, if the schema has it. */
    public Optional<ColumnType> type(String column) {
        return Optional.ofNullable(columns.get(column));
    }
}
