package io.cdcflow.e2e;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ordinary DDL on a live, captured PostgreSQL table (log strategy, the packaged services) while a writer keeps
 * committing: after each statement, and a round of writes in the table's new shape, the warehouse, Redis and
 * OpenSearch each hold exactly the source's rows, compared row by row on every column the table has now. Nothing
 * is dead-lettered. The table is added to the capture list by a restart of capture-service, which reads its rows
 * by an incremental snapshot.
 */
class SchemaEvolutionIT {

    /** The demo's captured tables (capture-service's default {@code CDC_CAPTURE_TABLES}). */
    private static final String DEFAULT_TABLES =
            "public.customers,public.products,public.orders,public.order_items,public.outboxevent";
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final String TABLE = "evolving_" + UUID.randomUUID().toString().substring(0, 6);
    private static final AtomicLong NEXT_ID = new AtomicLong(100);

    private static StackEndpoints stack;
    private static Connection source;
    private static Connection warehouse;
    private static Vertx vertx;
    private static RedisAPI redis;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.up();
        new SourceDatabase(stack).createSchema();
        Services.up();
        source = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
        warehouse = DriverManager.getConnection(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"));
        vertx = Vertx.vertx();
        redis = RedisAPI.api(Redis.createClient(vertx, stack.redisUrl()));
        sql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'n', qty int NOT NULL,"
                + " price numeric(8,2), ratio real, code varchar(10), note text)");
        sql("ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL");
        for (int i = 1; i <= 20; i++) {
            sql("INSERT INTO " + TABLE + " (id, name, qty, price, ratio, code, note) VALUES (" + i + ", 'row " + i
                    + "', " + i + ", " + i + ".25, 0.5, 'c" + i + "', 'note " + i + "')");
        }
        // A table added to the capture list: capture-service restarts with it and reads the rows it already holds.
        Services.down("capture-service");
        Services.up(Map.of("CDC_CAPTURE_TABLES", DEFAULT_TABLES + ",public." + TABLE), "capture-service");
    }

    @AfterAll
    static void stop() throws Exception {
        Services.down("capture-service");
        Services.up("capture-service");
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (warehouse != null) {
            warehouse.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void everySinkFollowsEveryOrdinaryDdlStatementRowByRow() throws Exception {
        long deadLettersBefore = deadLetters();
        awaitSinksEqualSource("a table added to the capture list");
        step("add a nullable column", "ALTER TABLE " + TABLE + " ADD COLUMN tier text");
        step("add a NOT NULL DEFAULT column", "ALTER TABLE " + TABLE + " ADD COLUMN score int NOT NULL DEFAULT 7");
        step("change a column's default", "ALTER TABLE " + TABLE + " ALTER COLUMN score SET DEFAULT 9");
        step("drop a column", "ALTER TABLE " + TABLE + " DROP COLUMN note");
        step("rename a column", "ALTER TABLE " + TABLE + " RENAME COLUMN name TO title");
        step("widen int to bigint", "ALTER TABLE " + TABLE + " ALTER COLUMN qty TYPE bigint",
                "UPDATE " + TABLE + " SET qty = 5000000000 + id WHERE id % 3 = 0");
        step("widen varchar(10) to varchar(40)", "ALTER TABLE " + TABLE + " ALTER COLUMN code TYPE varchar(40)",
                "UPDATE " + TABLE + " SET code = 'a code longer than ten characters' WHERE id % 4 = 0");
        step("widen varchar to text", "ALTER TABLE " + TABLE + " ALTER COLUMN code TYPE text");
        step("widen numeric(8,2) to numeric(14,2)", "ALTER TABLE " + TABLE + " ALTER COLUMN price TYPE numeric(14,2)",
                "UPDATE " + TABLE + " SET price = 123456789012.34 WHERE id % 5 = 0");
        step("widen real to double precision", "ALTER TABLE " + TABLE + " ALTER COLUMN ratio TYPE double precision",
                "UPDATE " + TABLE + " SET ratio = 0.1234567890123 WHERE id % 2 = 0");
        step("drop NOT NULL", "ALTER TABLE " + TABLE + " ALTER COLUMN title DROP NOT NULL",
                "UPDATE " + TABLE + " SET title = NULL WHERE id % 6 = 0");
        step("set NOT NULL", "UPDATE " + TABLE + " SET tier = 'basic' WHERE tier IS NULL",
                "ALTER TABLE " + TABLE + " ALTER COLUMN tier SET DEFAULT 'basic'",
                "ALTER TABLE " + TABLE + " ALTER COLUMN tier SET NOT NULL");
        inOneTransaction("DDL and DML in one transaction", "ALTER TABLE " + TABLE + " ADD COLUMN extra int",
                "UPDATE " + TABLE + " SET extra = id * 10");
        Services.down("warehouse-sink");
        step("DDL while the warehouse sink is down", false, "ALTER TABLE " + TABLE + " ADD COLUMN late text DEFAULT 'x'",
                "UPDATE " + TABLE + " SET late = 'y' WHERE id % 2 = 1");
        Services.up("warehouse-sink");
        awaitSinksEqualSource("DDL while the warehouse sink is down (after its restart)");
        assertThat(deadLetters()).as("records dead-lettered during the DDL").isEqualTo(deadLettersBefore);
    }

    /** Runs the statements, then a round of writes in the table's new shape, then compares every sink. */
    private static void step(String name, String... statements) throws Exception {
        step(name, true, statements);
    }

    private static void step(String name, boolean compare, String... statements) throws Exception {
        whileWriting(() -> {
            for (String s : statements) {
                sql(s);
            }
            writeRound();
        });
        if (compare) {
            awaitSinksEqualSource(name);
        }
    }

    private static void inOneTransaction(String name, String... statements) throws Exception {
        whileWriting(() -> {
            source.setAutoCommit(false);
            try (Statement st = source.createStatement()) {
                for (String s : statements) {
                    st.execute(s);
                }
                source.commit();
            } finally {
                source.setAutoCommit(true);
            }
            writeRound();
        });
        awaitSinksEqualSource(name);
    }

    /** Runs {@code work} while another connection keeps committing updates of random rows; stops it after. */
    private static void whileWriting(SqlWork work) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("ddl-writer").start(() -> keepWriting(stop, failure));
        try {
            Thread.sleep(100);
            work.run();
        } finally {
            stop.set(true);
            writer.join(Duration.ofSeconds(30));
        }
        assertThat(failure.get()).as("the concurrent writer's failure").isNull();
    }

    @FunctionalInterface
    private interface SqlWork {
        void run() throws Exception;
    }

    /**
     * Changes every row (so each carries the new shape: a row not changed since a rename holds its value under the
     * old column name in the sinks, see the README), inserts two and deletes one.
     */
    private static void writeRound() throws SQLException {
        sql("UPDATE " + TABLE + " SET qty = qty + 1");
        for (int i = 0; i < 2; i++) {
            sql("INSERT INTO " + TABLE + " (id, qty) VALUES (" + NEXT_ID.getAndIncrement() + ", 1)");
        }
        sql("DELETE FROM " + TABLE + " WHERE id = (SELECT min(id) FROM " + TABLE + ")");
    }

    /** Updates random rows, one transaction each, until told to stop; waits out the DDL's table locks. */
    private static void keepWriting(AtomicBoolean stop, AtomicReference<Throwable> failure) {
        try (Connection c = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD")); Statement s = c.createStatement()) {
            while (!stop.get()) {
                s.execute("UPDATE " + TABLE + " SET qty = qty + 1 WHERE id = (SELECT id FROM " + TABLE
                        + " ORDER BY id OFFSET " + ThreadLocalRandom.current().nextInt(10) + " LIMIT 1)");
                Thread.sleep(20);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Map<String, String>> expected = sourceRows();
            List<String> columns = new ArrayList<>(expected.values().iterator().next().keySet());
            assertThat(differences(expected, warehouseRows(columns))).as("%s: warehouse", step).isEmpty();
            assertThat(differences(expected, redisRows(columns))).as("%s: redis", step).isEmpty();
            assertThat(differences(expected, searchRows(columns))).as("%s: opensearch", step).isEmpty();
        });
    }

    /** Per row key that differs: "source <values> / sink <values>" (a missing row shows as null). */
    private static Map<String, String> differences(Map<String, Map<String, String>> expected,
                                                   Map<String, Map<String, String>> actual) {
        Map<String, String> out = new TreeMap<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                out.put(k, "source " + expected.get(k) + " / sink " + actual.get(k));
            }
        }
        return out;
    }

    private static Map<String, Map<String, String>> sourceRows() throws SQLException {
        return rows(source, "SELECT * FROM " + TABLE, null);
    }

    private static Map<String, Map<String, String>> warehouseRows(List<String> columns) throws SQLException {
        String select = String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList());
        return rows(warehouse, "SELECT " + select + " FROM inventory_public.\"" + TABLE
                + "\" WHERE NOT coalesce(_cdc_deleted, false)", columns);
    }

    private static Map<String, Map<String, String>> rows(Connection c, String sql, List<String> columns)
            throws SQLException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(md.getColumnName(i), StoreStates.normalise(v == null ? JSON.nullNode()
                            : TextNode.valueOf(v.toString())));
                }
                out.put(row.get("id"), row);
            }
        }
        return out;
    }

    private static Map<String, Map<String, String>> redisRows(List<String> columns) throws Exception {
        Response r = redis.eval(List.of("local out={} for _,k in ipairs(redis.call('KEYS', ARGV[1])) do "
                        + "local row=redis.call('HGET', k, 'row') if row then table.insert(out, row) end end return out",
                "0", PipelineIT.REDIS_PREFIX + TABLE + ":*")).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (Response row : r) {
            put(out, JSON.readTree(row.toString()), columns);
        }
        return out;
    }

    private static Map<String, Map<String, String>> searchRows(List<String> columns) throws Exception {
        String index = PipelineIT.INDEX_PREFIX + TABLE;
        HTTP.send(HttpRequest.newBuilder(URI.create(stack.openSearchUrl() + "/" + index + "/_refresh"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        String query = JSON.writeValueAsString(Map.of("size", 1000,
                "query", Map.of("bool", Map.of("must_not", Map.of("term", Map.of("_cdc_deleted", true))))));
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(stack.openSearchUrl() + "/" + index
                        + "/_search")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Map<String, String>> out = new TreeMap<>();
        if (answer.statusCode() != 200) {
            return out;
        }
        for (JsonNode hit : JSON.readTree(answer.body()).path("hits").path("hits")) {
            put(out, hit.path("_source"), columns);
        }
        return out;
    }

    private static void put(Map<String, Map<String, String>> out, JsonNode row, List<String> columns) {
        Map<String, String> values = new TreeMap<>();
        for (String c : columns) {
            values.put(c, StoreStates.normalise(row.path(c)));
        }
        out.put(values.get("id"), values);
    }

    /** Records the router and the sinks dead-lettered so far (the {@code cdc.dlq} topic's end offsets). */
    private static long deadLetters() throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            var topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!topics.contains("cdc.dlq")) {
                return 0;
            }
            var partitions = admin.describeTopics(List.of("cdc.dlq")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("cdc.dlq").partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition("cdc.dlq", p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }
}
