package io.cdcflow.e2e;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.testkit.StackEndpoints;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The full state of the inventory tables, row by row, as the source holds it and as each sink stored it (warehouse
 * current-state tables, Redis hashes, OpenSearch documents; tombstones excluded): per table, the row key mapped to the
 * compared values, numbers normalised so that 13.00 and 13 compare equal. Only rows of the current run are read (keys
 * above a baseline taken at the start), so rows other tests left behind do not count.
 */
final class StoreStates implements AutoCloseable {

    /** A compared table: its key columns, the columns the workload changes, and the key column for the baseline. */
    record Table(String name, List<String> keys, List<String> values, String baselineColumn) {

        String keyOf(JsonNode row) {
            return keys.stream().map(k -> normalise(row.path(k))).collect(Collectors.joining(":"));
        }

        String valuesOf(JsonNode row) {
            return values.stream().map(v -> normalise(row.path(v))).collect(Collectors.joining("|"));
        }

        long baselineOf(JsonNode row) {
            return row.path(baselineColumn).asLong();
        }

        List<String> columns() {
            return Stream.concat(keys.stream(), values.stream()).toList();
        }
    }

    /** The tables the workload writes. */
    static final List<Table> TABLES = List.of(
            new Table("customers", List.of("id"), List.of("email"), "id"),
            new Table("products", List.of("id"), List.of("price"), "id"),
            new Table("orders", List.of("id"), List.of("status", "total"), "id"),
            new Table("order_items", List.of("order_id", "line_no"), List.of("quantity", "unit_price"), "order_id"));

    /** One store's rows: table name to (row key to values). */
    record State(Map<String, Map<String, String>> tables) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final StackEndpoints stack;
    private final Vertx vertx = Vertx.vertx();
    private final RedisAPI redis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String openSearch;
    private final Map<String, Long> baseline = new HashMap<>();

    StoreStates(StackEndpoints stack) {
        this.stack = stack;
        redis = RedisAPI.api(Redis.createClient(vertx, stack.redisUrl()));
        openSearch = stack.openSearchUrl();
    }

    /** Remembers the highest key of each table now, so that later reads see only the rows written after. */
    void takeBaseline() throws SQLException {
        baseline.put("customers", sourceMax("customers", "id"));
        baseline.put("products", sourceMax("products", "id"));
        baseline.put("orders", sourceMax("orders", "id"));
        baseline.put("order_items", baseline.get("orders"));
    }

    private long sourceMax(String table, String column) throws SQLException {
        try (Connection source = sourceConnection();
             PreparedStatement ps = source.prepareStatement("SELECT coalesce(max(\"" + column + "\"), 0) FROM \"" + table + "\"");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // A connection per read: the fault suite restarts the source between reads.
    private Connection sourceConnection() throws SQLException {
        return DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"), stack.get("CDC_SOURCE_PG_PASSWORD"));
    }

    State source() throws SQLException {
        try (Connection c = sourceConnection()) {
            return fromSql(c, "public", false);
        }
    }

    State warehouse() throws SQLException {
        try (Connection c = DriverManager.getConnection(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"))) {
            return fromSql(c, PipelineIT.WAREHOUSE_SCHEMA, true);
        }
    }

    private State fromSql(Connection c, String schema, boolean liveOnly) throws SQLException {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Table t : TABLES) {
            String sql = "SELECT " + t.columns().stream().map(col -> "\"" + col + "\"::text").collect(Collectors.joining(", "))
                    + " FROM \"" + schema + "\".\"" + t.name() + "\" WHERE \"" + t.baselineColumn() + "\" > ?"
                    + (liveOnly ? " AND NOT coalesce(_cdc_deleted, false)" : "");
            Map<String, String> rows = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, baseline.get(t.name()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode row = JSON.createObjectNode();
                        for (int i = 0; i < t.columns().size(); i++) {
                            row.put(t.columns().get(i), rs.getString(i + 1));
                        }
                        rows.put(t.keyOf(row), t.valuesOf(row));
                    }
                }
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) { // a warehouse table not created yet holds no rows
                    throw e;
                }
            }
            out.put(t.name(), rows);
        }
        return new State(out);
    }

    /** Every live row hash under {@code cdc:inventory.public.<table>:*}. */
    State redis() throws Exception {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Table t : TABLES) {
            Response r = redis.eval(List.of("local out={} for _,k in ipairs(redis.call('KEYS', ARGV[1])) do "
                            + "local row=redis.call('HGET', k, 'row') if row then table.insert(out, row) end end return out",
                            "0", PipelineIT.REDIS_PREFIX + t.name() + ":*"))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Map<String, String> rows = new HashMap<>();
            for (Response row : r) {
                add(t, JSON.readTree(row.toString()), rows);
            }
            out.put(t.name(), rows);
        }
        return new State(out);
    }

    /** Every live document of {@code cdc-inventory.public.<table>}, read with a scroll. */
    State openSearch() throws IOException, InterruptedException {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Table t : TABLES) {
            Map<String, String> rows = new HashMap<>();
            String query = JSON.writeValueAsString(Map.of("size", 5000,
                    "_source", t.columns(),
                    "query", Map.of("bool", Map.of("must_not", Map.of("term", Map.of("_cdc_deleted", true))))));
            JsonNode page = post("/" + PipelineIT.INDEX_PREFIX + t.name() + "/_search?scroll=1m", query);
            while (page != null && page.path("hits").path("hits").size() > 0) {
                for (JsonNode hit : page.path("hits").path("hits")) {
                    add(t, hit.path("_source"), rows);
                }
                page = post("/_search/scroll", JSON.writeValueAsString(
                        Map.of("scroll", "1m", "scroll_id", page.path("_scroll_id").asText())));
            }
            if (page != null && page.has("_scroll_id")) {
                http.send(HttpRequest.newBuilder(URI.create(openSearch + "/_search/scroll/" + page.path("_scroll_id").asText()))
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
            out.put(t.name(), rows);
        }
        return new State(out);
    }

    private void add(Table t, JsonNode row, Map<String, String> rows) {
        if (t.baselineOf(row) > baseline.get(t.name())) {
            rows.put(t.keyOf(row), t.valuesOf(row));
        }
    }

    /** The answer, or null when the index does not exist yet; fails on any other error. */
    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(openSearch + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IOException("OpenSearch answered " + r.statusCode() + " to " + path + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static String normalise(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "null";
        }
        String text = v.isNumber() ? v.decimalValue().toPlainString() : v.asText();
        try {
            return new BigDecimal(text).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return text;
        }
    }

    @Override
    public void close() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
