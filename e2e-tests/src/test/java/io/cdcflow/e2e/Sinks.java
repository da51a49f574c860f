package io.cdcflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.testkit.StackEndpoints;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads what each sink stored, straight from its store: the warehouse's current-state table, the Redis hash, the
 * OpenSearch document. Each answer is the row as JSON, or empty when the store holds no live row.
 */
final class Sinks implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection warehouse;
    private final Vertx vertx = Vertx.vertx();
    private final RedisAPI redis;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String openSearch;

    Sinks(StackEndpoints stack) throws SQLException {
        warehouse = DriverManager.getConnection(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"));
        redis = RedisAPI.api(Redis.createClient(vertx, stack.redisUrl()));
        openSearch = stack.openSearchUrl();
    }

    /** The live row in the warehouse's current-state table (tombstones excluded), by primary key {@code id}. */
    Optional<Map<String, Object>> warehouseRow(String schema, String table, long id) throws SQLException {
        String sql = "SELECT * FROM \"" + schema + "\".\"" + table + "\" WHERE id = ? AND NOT coalesce(_cdc_deleted, false)";
        try (PreparedStatement ps = warehouse.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return Optional.of(row);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // the table does not exist yet
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The number of live rows in a warehouse table. */
    long warehouseCount(String schema, String table) throws SQLException {
        try (PreparedStatement ps = warehouse.prepareStatement(
                "SELECT count(*) FROM \"" + schema + "\".\"" + table + "\" WHERE NOT coalesce(_cdc_deleted, false)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of a warehouse current-state table (tombstones excluded) rendered by {@code select} (SQL text, no values). */
    java.util.Set<String> warehouseRows(String schema, String table, String select) throws SQLException {
        return strings(warehouse, "SELECT " + select + " FROM \"" + schema + "\".\"" + table + "\" WHERE NOT coalesce(_cdc_deleted, false)");
    }

    static java.util.Set<String> strings(Connection c, String sql) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** How many live rows (hashes with a {@code row} field) Redis holds under a key pattern. */
    long redisLiveRows(String pattern) throws Exception {
        Response n = redis.eval(List.of("local n=0 for _,k in ipairs(redis.call('KEYS', ARGV[1])) do "
                + "if redis.call('HEXISTS', k, 'row')==1 then n=n+1 end end return n", "0", pattern))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return n.toLong();
    }

    /** How many live documents an index holds (its tombstones excluded). */
    long searchLiveCount(String index) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(openSearch + "/" + index + "/_count"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"bool\":{\"must_not\":{\"term\":{\"_cdc_deleted\":true}}}}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("count").asLong(-1) : -1;
    }

    /** The row JSON in the Redis hash at {@code key}, when the key holds a live row (not a tombstone). */
    Optional<JsonNode> redisRow(String key) throws Exception {
        Response hash = redis.hgetall(key).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (hash == null || hash.size() == 0 || !hash.containsKey("row")) {
            return Optional.empty();
        }
        return Optional.of(JSON.readTree(hash.get("row").toString()));
    }

    /** The stored position of the Redis key (row or tombstone), if it has one. */
    Optional<io.cdcflow.model.Position> redisPosition(String key) throws Exception {
        Response pos = redis.hget(key, "pos").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return pos == null ? Optional.empty() : Optional.of(io.cdcflow.model.Position.parseSortKey(pos.toString()));
    }

    /** The source document of a live OpenSearch document (tombstone documents excluded). */
    Optional<JsonNode> searchDocument(String index, String id) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(openSearch + "/" + index + "/_doc/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode doc = JSON.readTree(r.body());
        if (!doc.path("found").asBoolean() || doc.path("_source").path("_cdc_deleted").asBoolean(false)) {
            return Optional.empty();
        }
        return Optional.of(doc.get("_source"));
    }

    List<String> keys(String pattern) throws Exception {
        Response r = redis.keys(pattern).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return r.stream().map(Response::toString).toList();
    }

    @Override
    public void close() throws Exception {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        warehouse.close();
    }
}
