package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.registryclient.ColumnSchema;
import io.cdcflow.registryclient.RowSchema;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * Builds the documents the sink indexes. A live document is the row image with the {@code _cdc_*} fields added; a
 * tombstone has only the {@code _cdc_*} fields with {@code _cdc_deleted: true}.
 *
 * <p>Values are kept as the event carries them, except two kinds. A {@code Decimal} column's number becomes its exact
 * digits as a string ({@code "13.00"}): every write goes through a Painless script whose parameters OpenSearch parses
 * into doubles, which would store {@code 13.0} (and round digits beyond a double's 15 or 16), while the index maps the
 * column as a number and parses the string into it. (Without a registered schema nothing tells a decimal from a
 * float: such numbers stay JSON numbers and are stored as doubles.) And temporal numbers that OpenSearch cannot read as dates: when
 * the row schema names a column {@code Date} (days since the epoch), {@code MicroTimestamp} or {@code NanoTimestamp}
 * and the index maps that column as a date, the value becomes an ISO-8601 date or instant. Without a schema (a
 * record without {@code cdc.schema.id}), or when the index mapped the column otherwise (it was created dynamically
 * before a schema was known), values are left untouched so they keep matching the existing mapping.
 */
public final class Documents {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";

    private Documents() {
    }

    /**
     * The document for a create, update or read.
     *
     * @param fieldTypes the index's mapped type per top-level field ({@code "date"}, {@code "long"}, ...)
     */
    public static ObjectNode live(ChangeEvent event, Position position, RowSchema schema,
                                  Map<String, String> fieldTypes) {
        ObjectNode doc = F.objectNode();
        event.after().properties().forEach(e -> {
            String column = e.getKey();
            JsonNode value = e.getValue();
            String logical = schema == null ? "" : schema.column(column).map(ColumnSchema::logicalName).orElse("");
            if (DECIMAL.equals(logical) && value.isNumber()) {
                value = TextNode.valueOf(value.decimalValue().toPlainString());
            } else if (schema != null && isDate(fieldTypes.get(column))) {
                value = toDate(value, logical);
            }
            doc.set(column, value);
        });
        addMetadata(doc, false, event.op(), position, event.source().tsMs());
        return doc;
    }

    /** The document left by a delete or a truncate: it holds the position so an older write stays refused. */
    public static ObjectNode tombstone(Op op, Position position, long sourceTsMs) {
        ObjectNode doc = F.objectNode();
        addMetadata(doc, true, op, position, sourceTsMs);
        return doc;
    }

    private static void addMetadata(ObjectNode doc, boolean deleted, Op op, Position position, long sourceTsMs) {
        doc.put(IndexMappings.DELETED, deleted);
        doc.put(IndexMappings.POSITION, position.sortKey());
        doc.put(IndexMappings.OP, op.code());
        doc.put(IndexMappings.SOURCE_TS, sourceTsMs);
    }

    private static boolean isDate(String mappedType) {
        return "date".equals(mappedType) || "date_nanos".equals(mappedType);
    }

    /** Converts an epoch-based number to an ISO string for the logical types that need it; anything else as is. */
    static JsonNode toDate(JsonNode value, String logicalName) {
        if (!value.isIntegralNumber()) {
            return value;
        }
        long v = value.asLong();
        return switch (logicalName) {
            case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" ->
                    TextNode.valueOf(LocalDate.ofEpochDay(v).toString());
            case "io.debezium.time.MicroTimestamp" ->
                    TextNode.valueOf(Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L),
                            Math.floorMod(v, 1_000_000L) * 1_000L).toString());
            case "io.debezium.time.NanoTimestamp" ->
                    TextNode.valueOf(Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L),
                            Math.floorMod(v, 1_000_000_000L)).toString());
            default -> value;
        };
    }
}
