package io.cdcflow.registryclient;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The type of one column (or of a nested field, element or map value) in Kafka Connect's terms, whatever form the
 * registry keeps the schema in: what the sinks map to their stores' types.
 *
 * @param type        the Connect type ({@code int32}, {@code string}, {@code bytes}, {@code struct}, {@code array},
 *                    {@code map}...), or "" when the schema was inferred from JSON values only
 * @param logicalName the Connect logical name ({@code org.apache.kafka.connect.data.Decimal},
 *                    {@code io.debezium.time.MicroTimestamp}...), or ""
 * @param parameters  the Connect parameters ({@code scale}, {@code connect.decimal.precision}...)
 * @param optional    whether the column may be null
 * @param jsonType    for an inferred schema, the JSON type of its values ({@code integer}, {@code number},
 *                    {@code string}, {@code boolean}, {@code object}, {@code array}); "" otherwise
 * @param defaultValue the column's default in the source (the DDL default), in the event's JSON encoding; null
 *                    when it has none
 * @param fields      the fields of a struct, in order; empty otherwise
 * @param items       the element of an array; null otherwise
 * @param values      the value of a map; null otherwise
 */
public record ColumnSchema(String type, String logicalName, Map<String, String> parameters, boolean optional,
                           String jsonType, JsonNode defaultValue, Map<String, ColumnSchema> fields,
                           ColumnSchema items, ColumnSchema values) {

    public ColumnSchema {
        parameters = Map.copyOf(parameters);
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** An integer parameter, when present and a number. */
    public Optional<Integer> intParameter(String name) {
        String v = parameters.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Map<String, String> parameters(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }
}
