package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * Derives an index's mapping from a table's registered value schema (the row object {@code definitions.Value} of
 * the envelope schema the router registers), and holds the fields the sink adds to every document.
 *
 * <p>Column types, by Kafka Connect logical name first, then by Connect type, then (schemas the router inferred from
 * values) by JSON type:
 * <table>
 *   <caption>column type to OpenSearch field type</caption>
 *   <tr><td>int8 / int16 / int32 / int64</td><td>byte / short / integer / long</td></tr>
 *   <tr><td>float32 / float64</td><td>float / double</td></tr>
 *   <tr><td>boolean</td><td>boolean</td></tr>
 *   <tr><td>string</td><td>text with a {@code keyword} sub-field (ignore_above 256), as dynamic mapping does</td></tr>
 *   <tr><td>bytes, {@code io.debezium.data.Bits}</td><td>binary (base64, as the JSON converter writes bytes)</td></tr>
 *   <tr><td>{@code Decimal}</td><td>scaled_float with factor 10^scale when precision &le; 15 and scale &le; 9 (exact in
 *       the index), double otherwise (the exact digits stay in {@code _source}); double also on a cluster without
 *       the {@code mapper-extras} module, which provides scaled_float</td></tr>
 *   <tr><td>{@code io.debezium.time.Date}, Connect {@code Date}</td><td>date (the document gets an ISO date)</td></tr>
 *   <tr><td>{@code io.debezium.time.Timestamp}, Connect {@code Timestamp}</td><td>date (epoch millis, as sent)</td></tr>
 *   <tr><td>{@code MicroTimestamp}, {@code NanoTimestamp}</td><td>date (the document gets an ISO instant with all its
 *       digits; the index keeps milliseconds)</td></tr>
 *   <tr><td>{@code ZonedTimestamp}</td><td>date (ISO-8601 string, as sent)</td></tr>
 *   <tr><td>{@code Uuid}, {@code Enum}, {@code EnumSet}, {@code ZonedTime}</td><td>keyword</td></tr>
 *   <tr><td>{@code io.debezium.data.Json}, {@code Xml}</td><td>text (the JSON text is searchable by words, not by
 *       path: mapping arbitrary JSON as fields would let one row grow the mapping without bound)</td></tr>
 *   <tr><td>times of day ({@code Time}, {@code MicroTime}, {@code NanoTime})</td><td>their number type</td></tr>
 *   <tr><td>struct</td><td>object with the struct's fields mapped alike</td></tr>
 *   <tr><td>array</td><td>the element's mapping (OpenSearch fields take several values)</td></tr>
 *   <tr><td>map, {@code VariableScaleDecimal}, geometries</td><td>object with {@code enabled: false}: kept in
 *       {@code _source}, not indexed</td></tr>
 * </table>
 * A column whose type says nothing usable gets no mapping entry, so dynamic mapping decides on its first value.
 */
public final class IndexMappings {

    /** True on a tombstone document: the row was deleted (or truncated) at {@link #POSITION}. */
    public static final String DELETED = "_cdc_deleted";
    /** The position of the change the document holds; equal to the document's external version. */
    public static final String POSITION = "_cdc_position";
    /** The operation code of that change. */
    public static final String OP = "_cdc_op";
    /** The source commit time of that change, epoch milliseconds. */
    public static final String SOURCE_TS = "_cdc_source_ts_ms";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IndexMappings() {
    }

    /** The body of a create-index request: settings, the mapping, and the filtered alias that hides tombstones. */
    public static ObjectNode createIndexBody(int shards, int replicas, String alias, ObjectNode columnProperties) {
        ObjectNode body = F.objectNode();
        body.putObject("settings").putObject("index").put("number_of_shards", shards)
                .put("number_of_replicas", replicas);
        ObjectNode mappings = body.putObject("mappings");
        mappings.put("dynamic", true);
        ObjectNode props = mappings.putObject("properties");
        props.setAll(columnProperties);
        props.setAll(metadataProperties());
        body.putObject("aliases").set(alias, aliasBody());
        return body;
    }

    /** The alias definition: every document that is not a tombstone. */
    public static ObjectNode aliasBody() {
        ObjectNode alias = F.objectNode();
        alias.putObject("filter").putObject("bool").putObject("must_not").putObject("term").put(DELETED, true);
        return alias;
    }

    /** Mappings of the fields the sink adds to every document. */
    public static ObjectNode metadataProperties() {
        ObjectNode p = F.objectNode();
        p.putObject(DELETED).put("type", "boolean");
        p.putObject(POSITION).put("type", "long");
        p.putObject(OP).put("type", "keyword");
        p.putObject(SOURCE_TS).put("type", "date").put("format", "epoch_millis");
        return p;
    }

    /** The mapping of every column of a row schema ({@code definitions.Value}) that has a usable type. */
    public static ObjectNode columnProperties(JsonNode rowSchema) {
        return columnProperties(rowSchema, true);
    }

    /** As {@link #columnProperties(JsonNode)}; {@code scaledFloat} false maps every decimal as double. */
    public static ObjectNode columnProperties(JsonNode rowSchema, boolean scaledFloat) {
        ObjectNode out = F.objectNode();
        rowSchema.path("properties").properties()
                .forEach(e -> forColumn(e.getValue(), scaledFloat).ifPresent(m -> out.set(e.getKey(), m)));
        return out;
    }

    /** The mapping of one column, from its JSON Schema with the {@code connect.*} annotations. */
    public static Optional<ObjectNode> forColumn(JsonNode column, boolean scaledFloat) {
        String logical = column.path("connect.name").asText("");
        String connect = column.path("connect.type").asText("");
        Optional<ObjectNode> byName = byLogicalName(logical, column, scaledFloat);
        if (byName != null) {
            return byName;
        }
        return switch (connect) {
            case "int8" -> type("byte");
            case "int16" -> type("short");
            case "int32" -> type("integer");
            case "int64" -> type("long");
            case "float32" -> type("float");
            case "float64" -> type("double");
            case "boolean" -> type("boolean");
            case "string" -> Optional.of(text());
            case "bytes" -> type("binary");
            case "struct" -> Optional.of(object(column, scaledFloat));
            case "array" -> forColumn(column.path("items"), scaledFloat);
            case "map" -> Optional.of(notIndexed());
            case "" -> byJsonType(column);
            default -> Optional.empty();
        };
    }

    /** Null when the logical name does not decide the mapping. */
    private static Optional<ObjectNode> byLogicalName(String logical, JsonNode column, boolean scaledFloat) {
        return switch (logical) {
            case "org.apache.kafka.connect.data.Decimal" ->
                    Optional.of(decimal(column.path("connect.parameters"), scaledFloat));
            case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date", "io.debezium.time.Timestamp",
                 "org.apache.kafka.connect.data.Timestamp", "io.debezium.time.MicroTimestamp",
                 "io.debezium.time.NanoTimestamp", "io.debezium.time.ZonedTimestamp" -> type("date");
            case "io.debezium.data.Uuid", "io.debezium.data.Enum", "io.debezium.data.EnumSet",
                 "io.debezium.time.ZonedTime" -> type("keyword");
            case "io.debezium.data.Json", "io.debezium.data.Xml" -> type("text");
            case "io.debezium.data.Bits" -> type("binary");
            case "io.debezium.data.VariableScaleDecimal" -> Optional.of(notIndexed());
            default -> logical.startsWith("io.debezium.data.geometry.") ? Optional.of(notIndexed()) : null;
        };
    }

    private static Optional<ObjectNode> byJsonType(JsonNode column) {
        JsonNode t = column.path("type");
        String json = t.isArray() ? firstNonNull(t) : t.asText("");
        return switch (json) {
            case "integer" -> type("long");
            case "number" -> type("double");
            case "boolean" -> type("boolean");
            case "string" -> Optional.of(text());
            default -> Optional.empty();
        };
    }

    private static String firstNonNull(JsonNode types) {
        for (JsonNode t : types) {
            if (!"null".equals(t.asText())) {
                return t.asText();
            }
        }
        return "";
    }

    private static ObjectNode decimal(JsonNode parameters, boolean scaledFloat) {
        int scale = intParameter(parameters, "scale", -1);
        int precision = intParameter(parameters, "connect.decimal.precision", Integer.MAX_VALUE);
        if (scaledFloat && scale >= 0 && scale <= 9 && precision <= 15) {
            return F.objectNode().put("type", "scaled_float").put("scaling_factor", Math.pow(10, scale));
        }
        return F.objectNode().put("type", "double");
    }

    private static int intParameter(JsonNode parameters, String name, int otherwise) {
        JsonNode n = parameters.path(name);
        if (n.isNumber()) {
            return n.asInt();
        }
        try {
            return n.isTextual() ? Integer.parseInt(n.asText()) : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static ObjectNode object(JsonNode struct, boolean scaledFloat) {
        ObjectNode o = F.objectNode().put("type", "object");
        o.set("properties", columnProperties(struct, scaledFloat));
        return o;
    }

    private static ObjectNode notIndexed() {
        return F.objectNode().put("type", "object").put("enabled", false);
    }

    private static ObjectNode text() {
        ObjectNode t = F.objectNode().put("type", "text");
        t.putObject("fields").putObject("keyword").put("type", "keyword").put("ignore_above", 256);
        return t;
    }

    private static Optional<ObjectNode> type(String type) {
        return Optional.of(F.objectNode().put("type", type));
    }
}
