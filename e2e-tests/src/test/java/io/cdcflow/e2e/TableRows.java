package io.cdcflow.e2e;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One table's rows as the source holds them and as each sink stored them, keyed by {@code id}, for tests whose tables
 * are their own: all columns of the source table, compared on the source's current columns. By default every value
 * is normalised like {@link StoreStates#normalise} (so 13.00, 13 and "13.00" compare equal, whatever the type); the
 * typed readers take a {@link ColumnReader} for SQL values (by the column's type) and a {@link ValueDecoder} for JSON
 * values (by the column's registered schema, {@link #registeredColumns}), as {@link DebeziumEncoding} defines them.
 */
final class TableRows implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final StackEndpoints stack;
    private final Connection source;
    private final Connection warehouse;
    private final Vertx vertx = Vertx.vertx();
    private final RedisAPI redis;
    private final HttpClient http = HttpClient.newHttpClient();
    private final TestKafka kafka;

    TableRows(StackEndpoints stack) throws SQLException {
        this.stack = stack;
        source = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
        warehouse = DriverManager.getConnection(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"));
        redis = RedisAPI.api(Redis.createClient(vertx, stack.redisUrl()));
        kafka = TestKafka.of(stack);
    }

    /** Every row of the source table {@code public.<table>}, all its columns. */
    Map<String, Map<String, String>> source(String table) throws SQLException {
        return rows(source, "SELECT * FROM public.\"" + table + "\"", TableRows::normalised);
    }

    /** Every row of the source table {@code public.<table>}, all its columns, each read by {@code reader}. */
    Map<String, Map<String, String>> source(String table, ColumnReader reader) throws SQLException {
        return rows(source, "SELECT * FROM public.\"" + table + "\"", reader);
    }

    /** Every row of a source table (any database), all its columns; {@code table} as SQL names it, unquoted. */
    Map<String, Map<String, String>> source(Connection database, String table) throws SQLException {
        return rows(database, "SELECT * FROM " + table, TableRows::normalised);
    }

    /** Every row of a source table (any database), all its columns, each read by {@code reader}. */
    Map<String, Map<String, String>> source(Connection database, String table, ColumnReader reader) throws SQLException {
        return rows(database, "SELECT * FROM " + table, reader);
    }

    /**
     * Per sink, the rows it holds for a Debezium connector's topic otherwise than {@code expected} (missing, extra,
     * or the columns whose values differ, "source / sink"), or why it could not be read; empty when every sink equals
     * it. The warehouse is read by its columns' types, Redis and OpenSearch by the columns' registered schema, each
     * as {@code encoding} defines the values.
     *
     * @param warehouseSchema the warehouse schema of the topic's tables ({@code <prefix>_<schema>})
     */
    Map<String, Object> connectorDifferences(Map<String, Map<String, String>> expected, DebeziumEncoding encoding,
                                             String topic, String warehouseSchema, String table) throws Exception {
        Set<String> columns = columns(expected);
        Map<String, JsonNode> schema = registeredColumns(topic);
        ValueDecoder decoder = (column, value) -> DebeziumEncoding.decoded(
                schema.getOrDefault(column, JSON.createObjectNode()), value);
        Map<String, java.util.concurrent.Callable<Map<String, Map<String, String>>>> sinks = new java.util.LinkedHashMap<>();
        sinks.put("warehouse", () -> warehouse(warehouseSchema, table, columns, encoding::stored));
        sinks.put("redis", () -> redis("cdc:" + topic + ":", columns, decoder));
        sinks.put("opensearch", () -> openSearch("cdc-" + topic, columns, decoder));
        Map<String, Object> out = new TreeMap<>();
        for (var sink : sinks.entrySet()) {
            try {
                Map<String, String> d = columnDifferences(expected, sink.getValue().call());
                if (!d.isEmpty()) {
                    out.put(sink.getKey(), d);
                }
            } catch (Exception x) {
                out.put(sink.getKey(), "not read: " + x);
            }
        }
        return out;
    }

    /** Per row key that differs: a missing or extra row, or the columns whose values differ (source / sink). */
    static Map<String, String> columnDifferences(Map<String, Map<String, String>> expected,
                                                 Map<String, Map<String, String>> actual) {
        Map<String, String> out = differences(expected, actual);
        out.replaceAll((key, whole) -> {
            Map<String, String> want = expected.get(key);
            Map<String, String> got = actual.get(key);
            if (want == null || got == null) {
                return whole;
            }
            Map<String, String> columns = new TreeMap<>();
            want.forEach((column, value) -> {
                if (!value.equals(got.get(column))) {
                    columns.put(column, value + " / " + got.get(column));
                }
            });
            return columns.toString();
        });
        return out;
    }

    /** The live rows of the warehouse's current-state table {@code <schema>.<table>}, on {@code columns}. */
    Map<String, Map<String, String>> warehouse(String schema, String table, Set<String> columns) throws SQLException {
        return warehouse(schema, table, columns, TableRows::normalised);
    }

    /** The live rows of the warehouse's current-state table {@code <schema>.<table>}, on {@code columns}, read by {@code reader}. */
    Map<String, Map<String, String>> warehouse(String schema, String table, Set<String> columns, ColumnReader reader)
            throws SQLException {
        String select = String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList());
        return rows(warehouse, "SELECT " + select + " FROM \"" + schema + "\".\"" + table
                + "\" WHERE NOT coalesce(_cdc_deleted, false)", reader);
    }

    /** Whether the warehouse has a table {@code <schema>.<table>}. */
    boolean warehouseHas(String schema, String table) throws SQLException {
        try (var s = warehouse.prepareStatement("SELECT to_regclass(format('%I.%I', ?, ?)) IS NOT NULL")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The live rows under the Redis keys {@code <prefix>*}, on {@code columns}. */
    Map<String, Map<String, String>> redis(String prefix, Set<String> columns) throws Exception {
        return redis(prefix, columns, (column, value) -> StoreStates.normalise(value));
    }

    /** The live rows under the Redis keys {@code <prefix>*}, on {@code columns}, each value read by {@code decoder}. */
    Map<String, Map<String, String>> redis(String prefix, Set<String> columns, ValueDecoder decoder) throws Exception {
        Response r = redis.eval(List.of("local out={} for _,k in ipairs(redis.call('KEYS', ARGV[1])) do "
                        + "local row=redis.call('HGET', k, 'row') if row then table.insert(out, row) end end return out",
                "0", prefix + "*")).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Response row : r) {
            put(out, JSON.readTree(row.toString()), columns, decoder);
        }
        return out;
    }

    /** The live documents of the OpenSearch index {@code index} (none when it does not exist), on {@code columns}. */
    Map<String, Map<String, String>> openSearch(String index, Set<String> columns) throws Exception {
        return openSearch(index, columns, (column, value) -> StoreStates.normalise(value));
    }

    /** The live documents of the OpenSearch index {@code index}, on {@code columns}, each value read by {@code decoder}. */
    Map<String, Map<String, String>> openSearch(String index, Set<String> columns, ValueDecoder decoder) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(stack.openSearchUrl() + "/" + index + "/_refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        String query = JSON.writeValueAsString(Map.of("size", 1000,
                "query", Map.of("bool", Map.of("must_not", Map.of("term", Map.of("_cdc_deleted", true))))));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.openSearchUrl() + "/" + index
                        + "/_search")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Map<String, String>> out = new TreeMap<>();
        if (answer.statusCode() != 200) {
            return out;
        }
        for (JsonNode hit : JSON.readTree(answer.body()).path("hits").path("hits")) {
            put(out, hit.path("_source"), columns, decoder);
        }
        return out;
    }

    /** Per row key that differs: "source <values> / sink <values>" (a missing row shows as null). */
    static Map<String, String> differences(Map<String, Map<String, String>> expected,
                                           Map<String, Map<String, String>> actual) {
        Map<String, String> out = new TreeMap<>();
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            if (!Objects.equals(expected.get(k), actual.get(k))) {
                out.put(k, "source " + expected.get(k) + " / sink " + actual.get(k));
            }
        }
        return out;
    }

    /** The columns of the rows (those of the first row; empty when there is none). */
    static Set<String> columns(Map<String, Map<String, String>> rows) {
        return rows.isEmpty() ? Set.of() : rows.values().iterator().next().keySet();
    }

    /** How many records the router and the sinks dead-lettered so far (the dead-letter topic's end offsets). */
    long deadLetters() {
        return new DeadLetters(kafka).count();
    }

    /**
     * How many dead letters came from a topic whose name contains {@code topicPart} (the {@code cdc.dlq.topic}
     * header): a test's own, whatever other tests' leftovers the services dead-letter meanwhile.
     */
    long deadLettersOf(String topicPart) {
        return new DeadLetters(kafka).since(Map.of(), DeadLetters.fromTopicContaining(topicPart)).size();
    }

    /**
     * The columns of the row schema the router registered for {@code topic} (subject {@code <topic>-value}, latest
     * version): each column's Avro type, the null branch of its union left out; empty when there is none yet.
     */
    Map<String, JsonNode> registeredColumns(String topic) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(Services.url("schema-registry")
                        + "/subjects/" + java.net.URLEncoder.encode(topic + "-value", java.nio.charset.StandardCharsets.UTF_8)
                        + "/versions/latest"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        ("cdc:" + Services.registryPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        Map<String, JsonNode> out = new TreeMap<>();
        if (answer.statusCode() != 200) {
            return out;
        }
        JsonNode envelope = JSON.readTree(JSON.readTree(answer.body()).path("schema").asText());
        for (JsonNode image : envelope.path("fields")) {
            JsonNode row = nonNull(image.path("type"));
            if (("before".equals(image.path("name").asText()) || "after".equals(image.path("name").asText()))
                    && "record".equals(row.path("type").asText())) {
                for (JsonNode f : row.path("fields")) {
                    out.put(f.path("name").asText(), nonNull(f.path("type")));
                }
                break;
            }
        }
        return out;
    }

    /** The branch of a union that is not null (a named type as its name, which AvroData takes from connect.name). */
    private static JsonNode nonNull(JsonNode type) {
        if (type.isArray()) {
            for (JsonNode branch : type) {
                if (!"null".equals(branch.asText())) {
                    return nonNull(branch);
                }
            }
        }
        if (type.isTextual() && type.asText().contains(".")) {
            return JSON.createObjectNode().put("type", "record").put("connect.name", type.asText());
        }
        return type;
    }

    /** Reads one column of a result set as comparable text, given its PostgreSQL type name. */
    @FunctionalInterface
    interface ColumnReader {
        String read(String type, ResultSet rs, int column) throws SQLException;
    }

    /** Reads one value a sink keeps as JSON as comparable text, given its column's name. */
    @FunctionalInterface
    interface ValueDecoder {
        String decode(String column, JsonNode value);
    }

    private static String normalised(String type, ResultSet rs, int i) throws SQLException {
        Object v = rs.getObject(i);
        return StoreStates.normalise(v == null ? JSON.nullNode() : TextNode.valueOf(v.toString()));
    }

    private static Map<String, Map<String, String>> rows(Connection c, String sql, ColumnReader reader)
            throws SQLException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        // prepared: MariaDB's binary protocol gives a FLOAT's own bits, where its text protocol rounds to 6 digits
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), reader.read(md.getColumnTypeName(i), rs, i));
                }
                out.put(row.get("id"), row);
            }
        }
        return out;
    }

    private static void put(Map<String, Map<String, String>> out, JsonNode row, Set<String> columns,
                            ValueDecoder decoder) {
        Map<String, String> values = new TreeMap<>();
        for (String c : columns) {
            values.put(c, decoder.decode(c, row.path(c)));
        }
        out.put(values.get("id"), values);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        kafka.close();
        warehouse.close();
        source.close();
    }
}
