package io.cdcflow.warehouse.schema;

import io.cdcflow.registryclient.RowSchema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The warehouse column type of every column of one registered value schema, worked out once per schema.
 *
 * @param schemaId the registry id of the value schema
 * @param columns  column name to its warehouse type, in schema order
 */
public record RowTypes(int schemaId, Map<String, ColumnType> columns) {

    public RowTypes {
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** The types of a registered row schema's columns. */
    public static RowTypes of(RowSchema schema) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        schema.columns().forEach((name, column) -> types.put(name, ColumnTypes.fromSchema(column)));
        return new RowTypes(schema.id(), types);
    }

    /** The declared type of a column, if the schema has it. */
    public Optional<ColumnType> type(String column) {
        return Optional.ofNullable(columns.get(column));
    }
}
