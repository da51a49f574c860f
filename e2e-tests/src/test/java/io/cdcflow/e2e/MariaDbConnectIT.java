package io.cdcflow.e2e;

import io.cdcflow.e2e.DebeziumEncoding.BinaryMode;
import io.cdcflow.e2e.DebeziumEncoding.DecimalMode;
import io.cdcflow.e2e.DebeziumEncoding.IntervalMode;
import io.cdcflow.e2e.DebeziumEncoding.TimeMode;
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
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a stock Debezium deployment writes from MariaDB, read by cdcflow's router and applied by its sinks: real
 * Debezium 3.5 MariaDB connectors on a real Kafka Connect 4.1.2 standalone worker, over one table of the stack's
 * MariaDB with a column of each common type (integers of every width, signed and unsigned, {@code BOOLEAN},
 * {@code DECIMAL(10,2)} and {@code (38,10)}, {@code FLOAT}, {@code DOUBLE}, {@code VARBINARY}, {@code BLOB},
 * {@code JSON}, {@code ENUM}, {@code SET}, {@code BIT(1)} and {@code BIT(10)}, {@code YEAR}, {@code DATE},
 * {@code TIME} and {@code DATETIME} of precision 0, 3 and 6, {@code TIMESTAMP(6)}, {@code TEXT}, {@code CHAR},
 * {@code GEOMETRY} and {@code POINT}, with and without an SRID) with values at their edges. The connectors' settings ({@link DebeziumEncoding}):
 * <ul>
 *   <li>{@code mdbz}: Debezium's and Connect's defaults: the JSON converter with schemas, base64 decimals
 *   ({@code decimal.handling.mode=precise}), unsigned {@code BIGINT} as {@code int64} (values above 2^63 - 1 wrap, as
 *   documented), bytes, {@code adaptive_time_microseconds}, a tombstone after every delete, no transaction metadata
 *   (positions are the binlog file, offset and row).</li>
 *   <li>{@code mdbznum}: {@code value.converter.decimal.format=NUMERIC}, {@code bigint.unsigned.handling.mode=precise},
 *   {@code binary.handling.mode=base64}.</li>
 *   <li>{@code mdbzflat}: the {@code ExtractNewRecordState} ("unwrap") transform with
 *   {@code delete.tombstone.handling.mode=rewrite} and {@code add.fields=op,source.ts_ms,source.file,source.pos,source.row},
 *   schemas off, decimals as strings, bytes as hex: flat rows that carry their binlog position as
 *   {@code __source_file}, {@code __source_pos} and {@code __source_row}, so the router orders them by it (no
 *   Kafka-offset fallback).</li>
 * </ul>
 * After inserts, updates (a key change among them) and deletes, every sink holds, for each, exactly the table's
 * rows as the connector's settings define their values, compared row by row and column by column, and nothing was
 * dead-lettered.
 */
class MariaDbConnectIT {

    private static final String TABLE = "mdbz_" + UUID.randomUUID().toString().substring(0, 6);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String COLUMNS = "id, name, price, big, qty, small, tiny, flag, medium, uint, ubig, ratio, "
            + "score, payload, blobby, doc, kind, opts, bit1, bits, yr, day, clock, clock0, at_local, at_ms, at_s, at_ts, "
            + "note, code, shape, spot";

    /** A connector's topic prefix, its encoding and its other settings. */
    private record Setup(String prefix, DebeziumEncoding encoding, Map<String, String> extra) {
    }

    /** MariaDB's default {@code time.precision.mode}; {@link #connector} leaves it unset. */
    private static final TimeMode MARIADB_TIME = TimeMode.ADAPTIVE_TIME_MICROSECONDS;

    private static final List<Setup> SETUPS = List.of(
            new Setup("mdbz", new DebeziumEncoding(DecimalMode.PRECISE, false, MARIADB_TIME, BinaryMode.BYTES,
                    IntervalMode.NUMERIC, true, false), Map.of()),
            new Setup("mdbznum", new DebeziumEncoding(DecimalMode.PRECISE, true, MARIADB_TIME, BinaryMode.BASE64,
                    IntervalMode.NUMERIC, true, true), Map.of()),
            new Setup("mdbzflat", new DebeziumEncoding(DecimalMode.STRING, false, MARIADB_TIME, BinaryMode.HEX,
                    IntervalMode.NUMERIC, false, false), Map.of(
                    "transforms", "unwrap",
                    "transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState",
                    "transforms.unwrap.delete.tombstone.handling.mode", "rewrite",
                    "transforms.unwrap.add.fields", "op,source.ts_ms,source.file,source.pos,source.row")));

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
        // server-side prepared statements: their binary protocol reads a FLOAT exactly (TableRows prepares its reads)
        source = DriverManager.getConnection(stack.mariadbJdbcUrl() + "?useServerPrepStmts=true", stack.get("CDC_MARIADB_USER"),
                stack.get("CDC_MARIADB_PASSWORD"));
        // TIMESTAMP values are written and read in UTC, so the test's expectations are instants
        sql("SET time_zone = '+00:00'");
        rows = new TableRows(stack);
        sql("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2), "
                + "big DECIMAL(38,10), qty INT, small SMALLINT, tiny TINYINT, flag BOOLEAN, medium MEDIUMINT, "
                + "uint INT UNSIGNED, ubig BIGINT UNSIGNED, ratio DOUBLE, score FLOAT, payload VARBINARY(16), "
                + "blobby BLOB, doc JSON, kind ENUM('a','b','c d'), opts SET('x','y','z'), bit1 BIT(1), bits BIT(10), "
                + "yr YEAR, day DATE, clock TIME(6), clock0 TIME, at_local DATETIME(6), at_ms DATETIME(3), "
                + "at_s DATETIME, at_ts TIMESTAMP(6) NULL, note TEXT, code CHAR(3), shape GEOMETRY, spot POINT)");
        sql("INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (1, 'before the connector', 12.50, 0, 1, 1, 1, TRUE, "
                + "1, 1, 1, 0.5, 0.1, X'0001ff', X'', '{\"b\": [1, 2.50], \"a\": null, \"é\": \"ü\"}', 'a', 'x,z', "
                + "b'1', b'1010000001', 2024, '2024-02-29', '12:34:56.123456', '12:34:56', '2024-02-29 12:34:56.123456', "
                + "'2024-02-29 12:34:56.123', '2024-02-29 12:34:56', '2024-02-29 12:34:56.123456', 'text é', 'abc', "
                + "ST_GeomFromText('LINESTRING(0 0, 1 1, 2.5 -3)'), ST_GeomFromText('POINT(1.5 -2.25)'))");
        Path dir = Files.createTempDirectory("connect-" + TABLE);
        Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
        int serverId = 5601;
        for (Setup s : SETUPS) {
            connectors.put(s.prefix() + "-" + TABLE, connector(s, serverId++));
        }
        connect = KafkaConnectWorker.start(dir, Map.of(), connectors);
    }

    /** A Debezium MariaDB connector over this run's table with its setup's settings. */
    private static Map<String, String> connector(Setup setup, int serverId) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", stack.get("CDC_MARIADB_HOST"));
        c.put("database.port", stack.get("CDC_MARIADB_PORT"));
        c.put("database.user", stack.get("CDC_MARIADB_USER"));
        c.put("database.password", stack.get("CDC_MARIADB_PASSWORD"));
        c.put("database.server.id", Integer.toString(serverId));
        c.put("topic.prefix", setup.prefix());
        c.put("database.include.list", database);
        c.put("table.include.list", database + "." + TABLE);
        c.put("schema.history.internal.kafka.bootstrap.servers", stack.kafkaBootstrap());
        // Not of the form <source>.<schema>.<table>: the router routes those, and this is Debezium's own history.
        c.put("schema.history.internal.kafka.topic", "schema-history-" + setup.prefix() + "-" + TABLE);
        c.putAll(setup.encoding().settings());
        if (setup.encoding().time() == MARIADB_TIME) {
            c.remove("time.precision.mode");
        }
        c.putAll(setup.extra());
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
        long deadLettersBefore = rows.deadLettersOf(TABLE);
        awaitSinksEqualSource("the snapshot");
        sql("INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES "
                + "(2, 'two', 99999999.99, 9999999999999999999999999999.9999999999, -2147483648, -32768, -128, FALSE, "
                + "-8388608, 4294967295, 18446744073709551615, -1.7976931348623157e308, -3.4028234e38, X'', X'deadbeef', "
                + "'[]', 'c d', '', b'0', b'1111111111', 1901, '1000-01-01', '23:59:59.999999', '00:00:00', "
                + "'1000-01-01 00:00:00.000001', '9999-12-31 23:59:59.999', '1969-12-31 23:59:59', "
                + "'1970-01-01 00:00:01.000001', '', 'x', ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 0))', 4326), "
                + "ST_GeomFromText('POINT(10 20)', 4326)), "
                + "(3, 'three', -0.01, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
                + "(4, 'four', NULL, -1234567890123456789012345678.0123456789, 4, 32767, 127, TRUE, 8388607, 0, "
                + "9223372036854775808, 1.75, 1.17549435e-38, X'deadbeef', X'00', "
                + "'{\"n\": -0.5, \"s\": \"x y\", \"o\": {\"z\": 1, \"a\": [true, null]}}', 'b', 'x,y,z', b'1', "
                + "b'0000000001', 2155, '9999-12-31', '00:00:00.000001', '23:59:59', '1969-07-20 20:17:40.5', "
                + "'1950-01-01 00:00:00.001', '2000-02-29 00:00:00', '2038-01-19 03:14:07.999999', 'ü', '', "
                + "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))'), ST_GeomFromText('POINT(0 0)'))");
        sql("UPDATE " + TABLE + " SET price = 99.95, name = 'one, changed', doc = '{}', clock = '00:00:00.5', "
                + "opts = 'y', bits = b'0', at_ts = '2001-09-09 01:46:40', spot = ST_GeomFromText('POINT(-0.5 7)') "
                + "WHERE id = 1");
        sql("UPDATE " + TABLE + " SET qty = qty + 10 WHERE id IN (2, 3)");
        sql("DELETE FROM " + TABLE + " WHERE id = 3");
        sql("INSERT INTO " + TABLE + " (id, name, price, qty, ratio) VALUES (5, 'five', 5.00, 5, 5.5)");
        sql("DELETE FROM " + TABLE + " WHERE id = 5");
        // A key change: Debezium writes a delete of the old key and a create of the new one.
        sql("UPDATE " + TABLE + " SET id = 6 WHERE id = 4");
        awaitSinksEqualSource("inserts, updates and deletes");
        assertThat(rows.deadLettersOf(TABLE)).as("records dead-lettered (tombstones, base64 decimals, flattened rows)")
                .isEqualTo(deadLettersBefore);
    }

    /** Waits until every sink holds, for every connector, the table's rows as the connector's settings define them. */
    private static void awaitSinksEqualSource(String step) {
        await(step).atMost(DEADLINE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            connect.assertRunning();
            Map<String, Object> out = new TreeMap<>();
            for (Setup s : SETUPS) {
                DebeziumEncoding e = s.encoding();
                rows.connectorDifferences(rows.source(source, TABLE, e::expected), e,
                                s.prefix() + "." + database + "." + TABLE, s.prefix() + "_" + database, TABLE)
                        .forEach((sink, d) -> out.put(s.prefix() + " " + sink + " " + e, d));
            }
            assertThat(out).as("%s: rows that differ, per connector and sink", step).isEmpty();
        });
    }

    private static void sql(String statement) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute(statement);
        }
    }
}
