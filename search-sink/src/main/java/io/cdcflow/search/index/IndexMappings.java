package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.registryclient.ColumnSchema;

import java.util.Map;
import java.util.Optional;

/**
 * Derives an index's mapping from a table's registered value schema (the row object {@code definitions.Value} of
 * the envelope schema the router registers), and holds the fields the sink adds to every document.
 *
 * <p>Column types, by Kafka Connect logical name first, then by Connect type, then (schemas the router inferred from
 * values) by JSON type:
 * <table>
 *   <caption>column type to OpenSearch field type</caption>
 *   <tr><td>int8 / int16 / int32 / int64</td><td>long (the widest: a field's type cannot change, and widening a
 *       column is ordinary DDL)</td></tr>
 *   <tr><td>float32 / float64</td><td>double (likewise)</td></tr>
 *   <tr><td>boolean</td><td>boolean</td></tr>
 *   <tr><td>string</td><td>text with a {@code keyword} sub-field (ignore_above 256), as dynamic mapping does</td></tr>
 *   <tr><td>bytes, {@code io.debezium.data.Bits}</td><td>binary (base64, as the JSON converter writes bytes)</td></tr>
 *   <tr><td>{@code Decimal}</td><td>scaled_float with factor 10^scale when precision &le; 18 and scale &le; 9 (the
 *       index keeps the scaled long exactly, so a widened precision keeps the mapping; searches and aggregations
 *       compute in doubles, exact to 15 digits), double otherwise (the exact digits stay in {@code _source}, as a string); double also on a cluster without
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
    /**
     * The position of the change the document holds, as its sort key (a keyword: comparing two as strings compares the
     * positions). Earlier releases kept a numeric {@code _cdc_position}; a document that has only that one counts as
     * older than any change.
     */
    public static final String POSITION = "_cdc_pos";
    /** The operation code of that change. */
    public static final String OP = "_cdc_op";
    /** The source commit time of that change, epoch milliseconds. */
    public static final String SOURCE_TS = "_cdc_source_ts_ms";
    /**
     * Where the copy to a new index version puts an old value its retyped field would refuse ({@code _cdc_unfit.code}):
     * kept in {@code _source}, not indexed, until the row's next change replaces the document.
     */
    public static final String UNFIT = "_cdc_unfit";
    /** The key, in a mapping's {@code _meta}, of the schema id the index's field types were planned for. */
    public static final String META_SCHEMA_ID = "cdc_schema_id";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IndexMappings() {
    }

    /** The value of {@code cdc.sink.opensearch.index.refresh-interval} that leaves OpenSearch's default. */
    public static final String DEFAULT_REFRESH = "default";
    private static final java.util.regex.Pattern TIME_VALUE = java.util.regex.Pattern.compile("[1-9][0-9]{0,8}(ms|s|m)");

    /** True for a refresh interval the sink can set: a positive OpenSearch time value, or {@link #DEFAULT_REFRESH}. */
    public static boolean isRefreshInterval(String value) {
        return DEFAULT_REFRESH.equals(value) || TIME_VALUE.matcher(value).matches();
    }

    /**
     * The settings of an index the sink creates; {@code refreshInterval} is set unless it is {@link #DEFAULT_REFRESH}
     * (an explicit interval also ends OpenSearch's search-idle pause of refreshes).
     */
    public static ObjectNode indexSettings(int shards, int replicas, String refreshInterval) {
        ObjectNode index = F.objectNode().put("number_of_shards", shards).put("number_of_replicas", replicas);
        if (!DEFAULT_REFRESH.equals(refreshInterval)) {
            index.put("refresh_interval", refreshInterval);
        }
        ObjectNode settings = F.objectNode();
        settings.set("index", index);
        return settings;
    }

    /** The body of a create-index request: settings, the mapping, and the filtered alias that hides tombstones. */
    public static ObjectNode createIndexBody(int shards, int replicas, String alias, ObjectNode columnProperties) {
        return createIndexBody(indexSettings(shards, replicas, DEFAULT_REFRESH), alias, columnProperties);
    }

    /** The body of a create-index request with these {@link #indexSettings settings}. */
    public static ObjectNode createIndexBody(ObjectNode settings, String alias, ObjectNode columnProperties) {
        ObjectNode body = F.objectNode();
        body.set("settings", settings);
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
        p.putObject(POSITION).put("type", "keyword");
        p.putObject(OP).put("type", "keyword");
        p.putObject(SOURCE_TS).put("type", "date").put("format", "epoch_millis");
        return p;
    }

    /** The mapping of {@link #UNFIT}: an object kept in {@code _source} only. */
    public static ObjectNode unfitProperty() {
        return notIndexed();
    }

    /** The schema id in a mapping's {@code _meta} (a {@code mappings} object), or -1. */
    public static int plannedSchemaId(JsonNode mappings) {
        return mappings.path("_meta").path(META_SCHEMA_ID).asInt(-1);
    }

    /** The same column mappings with every {@code scaled_float} a {@code double} (a cluster without mapper-extras). */
    public static ObjectNode withoutScaledFloat(ObjectNode properties) {
        ObjectNode out = properties.deepCopy();
        out.properties().forEach(e -> {
            if (e.getValue() instanceof ObjectNode field) {
                if ("scaled_float".equals(field.path("type").asText())) {
                    field.put("type", "double");
                    field.remove("scaling_factor");
                } else if (field.get("properties") instanceof ObjectNode nested) {
                    field.set("properties", withoutScaledFloat(nested));
                }
            }
        });
        return out;
    }

    /** The mapping of every column of a row schema that has a usable type. */
    public static ObjectNode columnProperties(Map<String, ColumnSchema> columns) {
        return columnProperties(columns, true);
    }

    /** As {@link #columnProperties(Map)}; {@code scaledFloat} false maps every decimal as double. */
    public static ObjectNode columnProperties(Map<String, ColumnSchema> columns, boolean scaledFloat) {
        ObjectNode out = F.objectNode();
        columns.forEach((name, column) -> forColumn(column, scaledFloat).ifPresent(m -> out.set(name, m)));
        return out;
    }

    /** The mapping of one column. */
    public static Optional<ObjectNode> forColumn(ColumnSchema column, boolean scaledFloat) {
        String logical = column.logicalName();
        String connect = column.type();
        Optional<ObjectNode> byName = byLogicalName(logical, column, scaledFloat);
        if (byName != null) {
            return byName;
        }
        return switch (connect) {
            // The widest type of each kind: a field's type cannot change in place, while widening a column
            // (int to bigint, real to double precision) is ordinary DDL that must not make the index refuse rows.
            case "int8", "int16", "int32", "int64" -> type("long");
            case "float32", "float64" -> type("double");
            case "boolean" -> type("boolean");
            case "string" -> Optional.of(text());
            case "bytes" -> type("binary");
            case "struct" -> Optional.of(object(column, scaledFloat));
            case "array" -> column.items() == null ? Optional.empty() : forColumn(column.items(), scaledFloat);
            case "map" -> Optional.of(notIndexed());
            case "" -> byJsonType(column);
            default -> Optional.empty();
        };
    }

    /** Null when the logical name does not decide the mapping. */
    private static Optional<ObjectNode> byLogicalName(String logical, ColumnSchema column, boolean scaledFloat) {
        return switch (logical) {
            case "org.apache.kafka.connect.data.Decimal" -> Optional.of(decimal(column, scaledFloat));
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

    private static Optional<ObjectNode> byJsonType(ColumnSchema column) {
        return switch (column.jsonType()) {
            case "integer" -> type("long");
            case "number" -> type("double");
            case "boolean" -> type("boolean");
            case "string" -> Optional.of(text());
            default -> Optional.empty();
        };
    }

    private static ObjectNode decimal(ColumnSchema column, boolean scaledFloat) {
        int scale = column.intParameter("scale").orElse(-1);
        int precision = column.intParameter("connect.decimal.precision").orElse(Integer.MAX_VALUE);
        if (scaledFloat && scale >= 0 && scale <= 9 && precision <= 18) {
            return F.objectNode().put("type", "scaled_float").put("scaling_factor", Math.pow(10, scale));
        }
        return F.objectNode().put("type", "double");
    }

    private static ObjectNode object(ColumnSchema struct, boolean scaledFloat) {
        ObjectNode o = F.objectNode().put("type", "object");
        o.set("properties", columnProperties(struct.fields(), scaledFloat));
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
