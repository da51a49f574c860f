package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a stock Debezium deployment writes, read by cdcflow's router and applied by its sinks: a real Debezium 3.5
 * PostgreSQL connector on a real Kafka Connect 4.1.2 standalone worker, in two configurations over one table.
 * <ul>
 *   <li>{@code dbz}: Debezium's and Connect's defaults. The JSON converter with schemas and base64 decimals
 *   ({@code decimal.handling.mode=precise}), a tombstone after every delete.</li>
 *   <li>{@code dbzflat}: the {@code ExtractNewRecordState} ("unwrap") transform with
 *   {@code delete.tombstone.handling.mode=rewrite} and {@code add.fields=op,source.ts_ms}, schemas off, decimals as
 *   strings; rows carry no position, so the router orders them by Kafka offset, which this topic is allowed
 *   ({@code cdc.router.offset-position-topics}).</li>
 * </ul>
 * After inserts, updates and deletes every sink holds, for each, exactly the table's rows, and nothing was
 * dead-lettered (no tombstone, no base64 decimal, no flattened row).
 */
class DebeziumConnectIT {

    private static final String TABLE = "dbz_" + UUID.randomUUID().toString().substring(0, 6);
    private static final String SLOT = "cdcflow_it_" + TABLE;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

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
        sql("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
                + "qty int, ratio double precision)");
        sql("INSERT INTO " + TABLE + " VALUES (1, 'before the connector', 12.50, 1, 0.5)");
        Path dir = Files.createTempDirectory("connect-" + TABLE);
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        connectors.put("dbz-" + TABLE, connector("dbz", SLOT + "_a", Map.of()));
        connectors.put("dbzflat-" + TABLE, connector("dbzflat", SLOT + "_b", Map.of(
                "transforms", "unwrap",
                "transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                "transforms.unwrap.delete.tombstone.handling.mode", "rewrite",
                "transforms.unwrap.add.fields", "op,source.ts_ms",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false",
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable", "false",
                "decimal.handling.mode", "string")));
        connect = KafkaConnectWorker.start(dir, Map.of(), connectors);
    }

    /** A Debezium PostgreSQL connector over this run's table with Debezium's defaults, plus {@code extra}. */
    private static Map<String, String> connector(String prefix, String slot, Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", stack.get("CDC_SOURCE_PG_HOST"));
        c.put("database.port", stack.get("CDC_SOURCE_PG_PORT"));
        c.put("database.user", stack.get("CDC_SOURCE_PG_USER"));
        c.put("database.password", stack.get("CDC_SOURCE_PG_PASSWORD"));
        c.put("database.dbname", stack.get("CDC_SOURCE_PG_DB"));
        c.put("topic.prefix", prefix);
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", slot);
        c.put("publication.name", slot);
        c.put("publication.autocreate.mode", "filtered");
        c.put("table.include.list", "public." + TABLE);
        c.putAll(extra);
        return c;
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
                for (String slot : new String[]{SLOT + "_a", SLOT + "_b"}) {
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
        long deadLettersBefore = rows.deadLetters();
        awaitSinksEqualSource("the snapshot");
        sql("INSERT INTO " + TABLE + " VALUES (2, 'two', 1234567.89, 2, 0.25), (3, 'three', -0.01, 3, NULL), "
                + "(4, 'four', NULL, 4, 1.75)");
        sql("UPDATE " + TABLE + " SET price = 99.95, name = 'one, changed' WHERE id = 1");
        sql("UPDATE " + TABLE + " SET qty = qty + 10 WHERE id IN (2, 3)");
        sql("DELETE FROM " + TABLE + " WHERE id = 3");
        sql("INSERT INTO " + TABLE + " VALUES (5, 'five', 5.00, 5, 5.5)");
        sql("DELETE FROM " + TABLE + " WHERE id = 5");
        awaitSinksEqualSource("inserts, updates and deletes");
        assertThat(rows.deadLetters()).as("records dead-lettered (tombstones, base64 decimals, flattened rows)")
                .isEqualTo(deadLettersBefore);
        // Debezium wrote a tombstone after each of the two deletes; the router saw them and skipped them.
        await("tombstones").atMost(DEADLINE).untilAsserted(() -> assertThat(routerTombstonesSkipped("dbz.public." + TABLE))
                .isGreaterThanOrEqualTo(2));
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

    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            connect.assertRunning();
            Map<String, Map<String, String>> expected = rows.source(TABLE);
            Set<String> columns = TableRows.columns(expected);
            for (String prefix : new String[]{"dbz", "dbzflat"}) {
                String topic = prefix + ".public." + TABLE;
                assertThat(TableRows.differences(expected, rows.warehouse(prefix + "_public", TABLE, columns)))
                        .as("%s: warehouse, %s", step, prefix).isEmpty();
                assertThat(TableRows.differences(expected, rows.redis("cdc:" + topic + ":", columns)))
                        .as("%s: redis, %s", step, prefix).isEmpty();
                assertThat(TableRows.differences(expected, rows.openSearch("cdc-" + topic, columns)))
                        .as("%s: opensearch, %s", step, prefix).isEmpty();
            }
        });
    }

    private static void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }
}
