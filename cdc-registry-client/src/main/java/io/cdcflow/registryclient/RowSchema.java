package io.cdcflow.registryclient;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The columns of a table's rows as one registered value schema declares them, in schema order.
 *
 * @param id      the registry id of the value schema
 * @param columns column name to its type
 */
public record RowSchema(int id, Map<String, ColumnSchema> columns) {

    public RowSchema {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /**
     * The columns of a JSON Schema row object as the router registers it ({@code definitions.Value}: properties
     * annotated with {@code connect.*}).
     */
    public static RowSchema ofJsonSchemaRow(int id, com.fasterxml.jackson.databind.JsonNode row) {
        return new RowSchema(id, JsonSchemaRows.fields(row));
    }

    /** The declared type of a column, if the schema has it. */
    public Optional<ColumnSchema> column(String name) {
        return Optional.ofNullable(columns.get(name));
    }
}
