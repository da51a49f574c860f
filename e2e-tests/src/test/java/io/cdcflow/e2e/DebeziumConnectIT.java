package io.cdcflow.e2e;

import io.cdcflow.e2e.DebeziumEncoding.BinaryMode;
import io.cdcflow.e2e.DebeziumEncoding.DecimalMode;
import io.cdcflow.e2e.DebeziumEncoding.IntervalMode;
import io.cdcflow.e2e.DebeziumEncoding.TimeMode;
import io.cdcflow.model.DeadLetterHeaders;
import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a stock Debezium deployment writes, read by cdcflow's router and applied by its sinks: real Debezium 3.5
 * PostgreSQL connectors on one real Kafka Connect 4.1.2 standalone worker, each with its own topic prefix and slot,
 * over one table of many column types (integers, {@code numeric(10,2)}, {@code numeric(38,10)} and {@code numeric} without scale, floats,
 * boolean, text, {@code text[]}, {@code bytea}, {@code jsonb}, {@code uuid}, {@code interval}, {@code timestamptz},
 * {@code timestamp} and {@code time} of precision 6 and 3, {@code date}) with values at their edges (nulls, extremes,
 * negatives, dates before 1970, microseconds). The connectors' settings ({@link DebeziumEncoding}):
 * <ul>
 *   <li>{@code dbz}: Debezium's and Connect's defaults: JSON with schemas, base64 decimals, adaptive times, bytes,
 *   intervals as {@code MicroDuration}, a tombstone after every delete.</li>
 *   <li>{@code dbznum}: {@code value.converter.decimal.format=NUMERIC}, {@code time.precision.mode=adaptive_time_microseconds},
 *   {@code binary.handling.mode=base64}, {@code interval.handling.mode=string}.</li>
 *   <li>{@code dbzdbl}: {@code decimal.handling.mode=double}, {@code time.precision.mode=connect},
 *   {@code binary.handling.mode=hex}.</li>
 *   <li>{@code dbzstr}: {@code decimal.handling.mode=string} with schemas, {@code binary.handling.mode=base64}.</li>
 *   <li>{@code dbzflat}: the {@code ExtractNewRecordState} ("unwrap") transform with
 *   {@code delete.tombstone.handling.mode=rewrite} and {@code add.fields=op,source.ts_ms}, schemas off, decimals as
 *   strings, bytes as hex; rows carry no position, so the router orders them by Kafka offset, which this topic is allowed
 *   ({@code cdc.router.offset-position-topics}).</li>
 *   <li>{@code dbzlsn}: the same transform with {@code add.fields=op,table,lsn,source.ts_ms}, schemas off, bytes as
 *   base64, intervals as ISO text ({@code interval.handling.mode=string}): the router orders these flat rows by their
 *   {@code __lsn} (the topic is not one that may fall back to Kafka offsets).</li>
 *   <li>{@code dbzb64}, over a table of its own: schemas off with base64 decimals of unknown scale, which nothing can
 *   decode: every change is dead-lettered with the fix in its message, and no sink gets a row. (A {@code numeric(p,s)}
 *   column in that setting is base64 text that nothing tells from a text column: not recognised, so not tested.)</li>
 * </ul>
 * After inserts, updates and deletes every sink holds, for each connector, exactly the table's rows as the
 * connector's settings define their values, compared row by row, and nothing else was dead-lettered. Seven connectors,
 * seven replication slots: the stack's PostgreSQL has twenty ({@code max_replication_slots}), which capture and other
 * tests share, so settings are combined rather than given a connector each.
 */
class DebeziumConnectIT {

    private static final String TABLE = "dbz_" + UUID.randomUUID().toString().substring(0, 6);
    private static final String B64_TABLE = TABLE + "_b64";
    private static final String SLOT = "cdcflow_it_" + TABLE;
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String COLUMNS = "id, name, price, qty, ratio, amount, big, small, flag, score, payload, doc, ref, "
            + "span, at_tz, at_local, at_ms, day, clock, clock_ms, tags";

    /** A connector's topic prefix, its encoding and its other settings. */
    private record Setup(String prefix, DebeziumEncoding encoding, Map<String, String> extra) {
        String topic() {
            return prefix + ".public." + TABLE;
        }
    }

    private static final List<Setup> SETUPS = List.of(
            new Setup("dbz", DebeziumEncoding.DEFAULTS, Map.of()),
            new Setup("dbznum", new DebeziumEncoding(DecimalMode.PRECISE, true, TimeMode.ADAPTIVE_TIME_MICROSECONDS,
                    BinaryMode.BASE64, IntervalMode.STRING, true), Map.of()),
            new Setup("dbzdbl", new DebeziumEncoding(DecimalMode.DOUBLE, false, TimeMode.CONNECT, BinaryMode.HEX,
                    IntervalMode.NUMERIC, true), Map.of()),
            new Setup("dbzstr", new DebeziumEncoding(DecimalMode.STRING, false, TimeMode.ADAPTIVE, BinaryMode.BASE64,
                    IntervalMode.NUMERIC, true), Map.of()),
            new Setup("dbzflat", new DebeziumEncoding(DecimalMode.STRING, false, TimeMode.ADAPTIVE, BinaryMode.HEX,
                    IntervalMode.NUMERIC, false), Map.of(
                    "transforms", "unwrap",
                    "transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                    "transforms.unwrap.delete.tombstone.handling.mode", "rewrite",
                    "transforms.unwrap.add.fields", "op,source.ts_ms")),
            new Setup("dbzlsn", new DebeziumEncoding(DecimalMode.STRING, false, TimeMode.ADAPTIVE, BinaryMode.BASE64,
                    IntervalMode.STRING, false), Map.of(
                    "transforms", "unwrap",
                    "transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                    "transforms.unwrap.delete.tombstone.handling.mode", "rewrite",
                    "transforms.unwrap.add.fields", "op,table,lsn,source.ts_ms")));
    private static final Setup B64 = new Setup("dbzb64", new DebeziumEncoding(DecimalMode.PRECISE, false,
            TimeMode.ADAPTIVE, BinaryMode.BYTES, IntervalMode.NUMERIC, false), Map.of());

    private static StackEndpoints stack;
    private static Connection source;
    private static TableRows rows;
    private static KafkaConnectWorker connect;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.up();
        new SourceDatabase(stack).createSchema();
        Services.up();
        // The router orders the flattened rows of this run's topic by Kafka offset (they carry no source position).
        Services.down("router-service");
        Services.up(Map.of("CDC_ROUTER_OFFSET_POSITION_TOPICS", "dbzflat\\.public\\." + TABLE), "router-service");
        source = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD"));
        rows = new TableRows(stack);
        sql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), qty int, "
                + "ratio double precision, amount numeric, big numeric(38,10), small smallint, flag boolean, score real, payload bytea, "
                + "doc jsonb, ref uuid, span interval, at_tz timestamptz, at_local timestamp, at_ms timestamp(3), "
                + "day date, clock time, clock_ms time(3), tags text[])");
        sql("INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (1, 'before the connector', 12.50, 1, 0.5, 1.5, 0, 1, "
                + "true, 0.1, '\\x0001ff', '{\"b\": [1, 2.50], \"a\": null, \"é\": \"ü\"}', "
                + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 year 2 mons 3 days 04:05:06.78', "
                + "'2024-02-29 12:34:56.123456+00', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.123', "
                + "'2024-02-29', '12:34:56.123456', '12:34:56.123', '{a,\"b,c\",\"\"}')");
        sql("CREATE TABLE " + B64_TABLE + " (id bigint PRIMARY KEY, amount numeric NOT NULL)");
        sql("INSERT INTO " + B64_TABLE + " VALUES (1, 1.5)");
        Path dir = Files.createTempDirectory("connect-" + TABLE);
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        for (Setup s : SETUPS) {
            connectors.put(s.prefix() + "-" + TABLE, connector(s, TABLE));
        }
        connectors.put(B64.prefix() + "-" + TABLE, connector(B64, B64_TABLE));
        connect = KafkaConnectWorker.start(dir, Map.of(), connectors);
    }

    /** A Debezium PostgreSQL connector over {@code table} with its setup's settings. */
    private static Map<String, String> connector(Setup setup, String table) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", stack.get("CDC_SOURCE_PG_HOST"));
        c.put("database.port", stack.get("CDC_SOURCE_PG_PORT"));
        c.put("database.user", stack.get("CDC_SOURCE_PG_USER"));
        c.put("database.password", stack.get("CDC_SOURCE_PG_PASSWORD"));
        c.put("database.dbname", stack.get("CDC_SOURCE_PG_DB"));
        c.put("topic.prefix", setup.prefix());
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", slot(setup));
        c.put("publication.name", slot(setup));
        c.put("publication.autocreate.mode", "filtered");
        c.put("table.include.list", "public." + table);
        c.putAll(setup.encoding().settings());
        c.putAll(setup.extra());
        return c;
    }

    private static String slot(Setup setup) {
        return SLOT + "_" + setup.prefix();
    }

    @AfterAll
    static void stop() throws Exception {
        if (connect != null) {
            connect.close();
        }
        Services.down("router-service");
        Services.up("router-service");
        if (source != null) {
            try (Statement s = source.createStatement()) {
                // The slots would hold the source's WAL for ever: take them from a worker still letting go, drop them.
                List<Setup> all = new ArrayList<>(SETUPS);
                all.add(B64);
                for (Setup setup : all) {
                    String slot = slot(setup);
                    s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                            + "WHERE slot_name = '" + slot + "' AND active");
                    s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            + "WHERE slot_name = '" + slot + "' AND NOT active");
                    s.execute("DROP PUBLICATION IF EXISTS " + slot);
                }
            }
            source.close();
        }
        if (rows != null) {
            rows.close();
        }
    }

    @Test
    void whatAStockDebeziumDeploymentWritesReachesEverySink() throws Exception {
        awaitSinksEqualSource("the snapshot");
        sql("INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES "
                + "(2, 'two', 99999999.99, -2147483648, -1.7976931348623157e308, "
                + "123456789012345678901234567890.123456789, 9999999999999999999999999999.9999999999, -32768, false, -3.4028235e38, '\\x', '[]', "
                + "'00000000-0000-0000-0000-000000000000', '-1 days -00:00:00.000001', '1900-01-01 00:00:00.000001+00', "
                + "'1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999', '1969-12-31', '23:59:59.999999', "
                + "'00:00:00', '{}'), "
                + "(3, 'three', -0.01, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                + "NULL, NULL, NULL), "
                + "(4, 'four', NULL, 4, 1.75, -0.000000001, -1234567890123456789012345678.0123456789, 32767, true, 1.17549435e-38, '\\xdeadbeef', "
                + "'{\"n\": -0.5, \"s\": \"x\\\"y\", \"o\": {\"z\": 1, \"a\": [true, null]}}', "
                + "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '-3 mons 5 days', '1969-07-20 20:17:40.5-05', "
                + "'1900-06-15 08:00:00.5', '1950-01-01 00:00:00.001', '1900-01-01', '00:00:00.000001', "
                + "'23:59:59.999', '{NULL,\"x y\"}')");
        sql("UPDATE " + TABLE + " SET price = 99.95, name = 'one, changed', span = '0', doc = '{}', "
                + "clock = '00:00:00.5' WHERE id = 1");
        sql("UPDATE " + TABLE + " SET qty = qty + 10 WHERE id IN (2, 3)");
        sql("DELETE FROM " + TABLE + " WHERE id = 3");
        sql("INSERT INTO " + TABLE + " (id, name, price, qty, ratio) VALUES (5, 'five', 5.00, 5, 5.5)");
        sql("DELETE FROM " + TABLE + " WHERE id = 5");
        sql("INSERT INTO " + B64_TABLE + " VALUES (2, -123456789.123456789)");
        sql("UPDATE " + B64_TABLE + " SET amount = 2 WHERE id = 1");
        awaitSinksEqualSource("inserts, updates and deletes");
        // Debezium wrote a tombstone after each of the two deletes; the router saw them and skipped them.
        await("tombstones").atMost(DEADLINE).untilAsserted(() -> assertThat(routerTombstonesSkipped("dbz.public." + TABLE))
                .isGreaterThanOrEqualTo(2));
        // Without schemas a base64 decimal cannot be decoded: its three changes are dead-lettered, naming the fix, and
        // nothing else of this run is.
        String b64Topic = "dbzb64.public." + B64_TABLE;
        await("dead letters").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertConnectorsRunning();
            Map<String, List<Map<String, String>>> dead = deadLetters();
            assertThat(dead.keySet()).as("topics with dead letters").containsExactly(b64Topic);
            assertThat(dead.get(b64Topic)).hasSize(3).allSatisfy(h -> {
                assertThat(h.get(DeadLetterHeaders.REASON)).isEqualTo("schema_mismatch");
                assertThat(h.get(DeadLetterHeaders.MESSAGE)).contains("'amount'", "decimal.handling.mode=string",
                        "value.converter.schemas.enable=true", "value.converter.decimal.format=NUMERIC");
                assertThat(h.get(DeadLetterHeaders.SERVICE)).isEqualTo("router-service");
            });
        });
        Set<String> b64Columns = Set.of("id", "amount");
        assertThat(rows.warehouseHas("dbzb64_public", B64_TABLE)).as("a warehouse table of dbzb64").isFalse();
        assertThat(rows.redis("cdc:" + b64Topic + ":", b64Columns)).as("redis rows of dbzb64").isEmpty();
        assertThat(rows.openSearch("cdc-" + b64Topic, b64Columns)).as("documents of dbzb64").isEmpty();
    }

    /** Fails, with the worker's words, when the worker stopped or a connector's task died (e.g. no replication slot left). */
    private static void assertConnectorsRunning() throws Exception {
        connect.assertRunning();
        List<String> log = Files.readAllLines(connect.log());
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains("Task threw an uncaught and unrecoverable exception")) {
                String causes = String.join("\n", log.subList(i, Math.min(log.size(), i + 80)).stream()
                        .filter(l -> l.contains("Exception") && !l.startsWith("\tat ")).toList());
                throw new IllegalStateException("a connector's task died: " + log.get(i) + "\n" + causes);
            }
        }
    }

    /** The router's {@code cdc_router_tombstones_skipped_total} of a topic, from its Prometheus endpoint. */
    private static double routerTombstonesSkipped(String topic) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        Services.url("router-service") + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("cdc_router_tombstones_skipped_total{")
                        && l.contains("topic=\"" + topic + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The headers of every dead letter of this run's topics (raw or validated), by the topic it was read from. */
    private static Map<String, List<Map<String, String>>> deadLetters() {
        Map<String, List<Map<String, String>>> out = new TreeMap<>();
        try (TestKafka kafka = TestKafka.of(stack)) {
            for (ConsumerRecord<byte[], byte[]> r : new DeadLetters(kafka).since(Map.of(), DeadLetters.fromTopicContaining(TABLE))) {
                out.computeIfAbsent(TestKafka.header(r, DeadLetterHeaders.TOPIC), t -> new ArrayList<>())
                        .add(new TreeMap<>(TestKafka.headers(r)));
            }
        }
        return out;
    }

    /** Waits until every sink holds, for every connector, the table's rows as the connector's settings define them. */
    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertConnectorsRunning();
            assertThat(differences()).as("%s: rows that differ, per connector and sink", step).isEmpty();
        });
    }

    /** Per connector and sink (and its settings), the rows it holds otherwise than the source, or why it was not read. */
    private static Map<String, Object> differences() throws Exception {
        Map<String, Object> out = new TreeMap<>();
        for (Setup s : SETUPS) {
            DebeziumEncoding e = s.encoding();
            rows.connectorDifferences(rows.source(TABLE, e::expected), e, s.topic(), s.prefix() + "_public", TABLE)
                    .forEach((sink, d) -> out.put(s.prefix() + " " + sink + " " + e, d));
        }
        return out;
    }

    private static void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }
}
