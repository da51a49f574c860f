package io.cdcflow.router.input;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.MalformedEventException;

import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Refuses the values of a record without a Connect schema that only their schema could decode, rather than let them
 * be stored as what they look like. Debezium writes a decimal of unknown scale ({@code numeric} without a scale, in
 * {@code decimal.handling.mode=precise}) as the struct {@code {"scale": s, "value": "<base64 unscaled bytes>"}}: with
 * the schema it is {@code io.debezium.data.VariableScaleDecimal}; without it, only a shape, which no source column
 * has otherwise (Debezium writes {@code json}/{@code jsonb} columns as text, so an object in a row is a struct).
 *
 * <p>A decimal of fixed scale ({@code numeric(p,s)}) in the same mode is written as base64 text with nothing to tell
 * it from a text column: that one cannot be recognised without the schema, which is why the fix this names is to
 * send decimals as numbers or strings, or to send the schema.
 */
public final class SchemalessValues {

    /** What to change in the Debezium deployment; the dead letter's message ends with it. */
    public static final String FIX = "set the connector's decimal.handling.mode=string (or double), or enable the value"
            + " converter's schemas (value.converter.schemas.enable=true, with value.converter.decimal.format=NUMERIC"
            + " to send decimals as numbers)";

    private SchemalessValues() {
    }

    /**
     * Checks the row images of an event that came without a Connect schema.
     *
     * @throws MalformedEventException ({@code schema_mismatch}) naming the first column holding a base64 decimal
     */
    public static void check(ChangeEvent event) {
        for (JsonNode image : new JsonNode[]{event.before(), event.after()}) {
            if (image == null) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> column = it.next();
                if (isVariableScaleDecimal(column.getValue())) {
                    throw new MalformedEventException(MalformedEventException.Reason.SCHEMA_MISMATCH,
                            "column '" + column.getKey() + "' holds a decimal as base64 of its unscaled bytes"
                                    + " (Debezium's VariableScaleDecimal, decimal.handling.mode=precise) and the record"
                                    + " has no schema, so its value cannot be decoded: " + FIX);
                }
            }
        }
    }

    /** {@code {"scale": <int>, "value": "<base64>"}} and nothing else. */
    static boolean isVariableScaleDecimal(JsonNode v) {
        if (v == null || !v.isObject() || v.size() != 2 || !v.path("scale").isIntegralNumber()
                || !v.path("value").isTextual()) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(v.get("value").textValue()).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
