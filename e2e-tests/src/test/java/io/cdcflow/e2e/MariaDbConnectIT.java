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
 * What a stock Debezium deployment writes from MariaDB, read by cdcflow's router and applied by its sinks: a real
 * Debezium 3.5 MariaDB connector on a real Kafka Connect 4.1.2 standalone worker, in two configurations over one
 * table of the stack's MariaDB.
 * <ul>
 *   <li>{@code mdbz}: Debezium's and Connect's defaults: the JSON converter with schemas, base64 decimals
 *   ({@code decimal.handling.mode=precise}), a tombstone after every delete, no transaction metadata (positions
 *   are the binlog file, offset and row).</li>
 *   <li>{@code mdbzflat}: the {@code ExtractNewRecordState} ("unwrap") transform with
 *   {@code delete.tombstone.handling.mode=rewrite} and {@code add.fields=op,source.ts_ms,source.file,source.pos,source.row},
 *   schemas off, decimals as strings: flat rows that carry their binlog position as {@code __source_file},
 *   {@code __source_pos} and {@code __source_row}, so the router orders them by it (no Kafka-offset fallback).</li>
 * </ul>
 * After inserts, updates (a key change among them) and deletes, every sink holds, for each, exactly the table's
 * rows, and nothing was dead-lettered.
 */
class MariaDbConnectIT {

    private static final String TABLE = "mdbz_" + UUID.randomUUID().toString().substring(0, 6);
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static StackEndpoints stack;
    private static Connection source;
    private static TableRows rows;
    private static KafkaConnectWorker connect;
    private static String database;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.up();
        new SourceDatabase(stack).createSchema();
        Services.up();
        database = stack.get("CDC_MARIADB_DB");
        source = DriverManager.getConnection(stack.mariadbJdbcUrl(), stack.get("CDC_MARIADB_USER"),
                stack.get("CDC_MARIADB_PASSWORD"));
        rows = new TableRows(stack);
        sql("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2), "
                + "qty INT, ratio DOUBLE)");
        sql("INSERT INTO " + TABLE + " VALUES (1, 'before the connector', 12.50, 1, 0.5)");
        Path dir = Files.createTempDirectory("connect-" + TABLE);
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        connectors.put("mdbz-" + TABLE, connector("mdbz", 5601, Map.of()));
        connectors.put("mdbzflat-" + TABLE, connector("mdbzflat", 5602, Map.of(
                "transforms", "unwrap",
                "transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                "transforms.unwrap.delete.tombstone.handling.mode", "rewrite",
                "transforms.unwrap.add.fields", "op,source.ts_ms,source.file,source.pos,source.row",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false",
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable", "false",
                "decimal.handling.mode", "string")));
        connect = KafkaConnectWorker.start(dir, Map.of(), connectors);
    }

    /** A Debezium MariaDB connector over this run's table with Debezium's defaults, plus {@code extra}. */
    private static Map<String, String> connector(String prefix, int serverId, Map<String, String> extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", stack.get("CDC_MARIADB_HOST"));
        c.put("database.port", stack.get("CDC_MARIADB_PORT"));
        c.put("database.user", stack.get("CDC_MARIADB_USER"));
        c.put("database.password", stack.get("CDC_MARIADB_PASSWORD"));
        c.put("database.server.id", Integer.toString(serverId));
        c.put("topic.prefix", prefix);
        c.put("database.include.list", database);
        c.put("table.include.list", database + "." + TABLE);
        c.put("schema.history.internal.kafka.bootstrap.servers", stack.kafkaBootstrap());
        // Not of the form <source>.<schema>.<table>: the router routes those, and this is Debezium's own history.
        c.put("schema.history.internal.kafka.topic", "schema-history-" + prefix + "-" + TABLE);
        c.putAll(extra);
        return c;
    }

    @AfterAll
    static void stop() throws Exception {
        if (connect != null) {
            connect.close();
        }
        if (source != null) {
            sql("DROP TABLE IF EXISTS " + TABLE);
            source.close();
        }
        if (rows != null) {
            rows.close();
        }
    }

    @Test
    void whatAStockDebeziumMariaDbDeploymentWritesReachesEverySink() throws Exception {
        long deadLettersBefore = rows.deadLetters();
        awaitSinksEqualSource("the snapshot");
        sql("INSERT INTO " + TABLE + " VALUES (2, 'two', 1234567.89, 2, 0.25), (3, 'three', -0.01, 3, NULL), "
                + "(4, 'four', NULL, 4, 1.75)");
        sql("UPDATE " + TABLE + " SET price = 99.95, name = 'one, changed' WHERE id = 1");
        sql("UPDATE " + TABLE + " SET qty = qty + 10 WHERE id IN (2, 3)");
        sql("DELETE FROM " + TABLE + " WHERE id = 3");
        sql("INSERT INTO " + TABLE + " VALUES (5, 'five', 5.00, 5, 5.5)");
        sql("DELETE FROM " + TABLE + " WHERE id = 5");
        // A key change: Debezium writes a delete of the old key and a create of the new one.
        sql("UPDATE " + TABLE + " SET id = 6 WHERE id = 4");
        awaitSinksEqualSource("inserts, updates and deletes");
        assertThat(rows.deadLetters()).as("records dead-lettered (tombstones, base64 decimals, flattened rows)")
                .isEqualTo(deadLettersBefore);
    }

    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            connect.assertRunning();
            Map<String, Map<String, String>> expected = rows.source(source, TABLE);
            Set<String> columns = TableRows.columns(expected);
            for (String prefix : new String[]{"mdbz", "mdbzflat"}) {
                String topic = prefix + "." + database + "." + TABLE;
                assertThat(TableRows.differences(expected, rows.warehouse(prefix + "_" + database, TABLE, columns)))
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
