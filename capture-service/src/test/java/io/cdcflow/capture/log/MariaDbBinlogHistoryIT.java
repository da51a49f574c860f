package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.source.PackagedCapture;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log capture of MariaDB when the server behind a source changes, against the stack's primary and its GTID replica
 * ({@code mariadb-replica}), with the packaged capture-service:
 * <ol>
 *   <li><b>A switch to the replica</b> (the source's host changed, its offsets kept): capture goes on from the same
 *   GTID in the replica's binlog, and the changes it reads there, made on the primary before and after the switch,
 *   order above what it read from the primary (positions are GTID sequences, which the replica's binlog shares).</li>
 *   <li><b>A new binlog history</b> ({@code RESET MASTER} on the server capture reads, then writes to it): the GTIDs
 *   start again at 1, so its positions would sort below everything the sinks hold. Capture stops instead, readiness
 *   names the repair, and {@code POST /sources/{source}/repair} reads the table again in a new generation, whose
 *   snapshot and sweep leave the sinks equal to the server again, deletes included.</li>
 * </ol>
 * After each step a sink applying the topic by the position rule ({@link KafkaTestSupport#applyAsSinks}) must hold
 * exactly the table's rows. The replica replicates again at the end (its {@code gtid_slave_pos} is untouched).
 */
class MariaDbBinlogHistoryIT {

    private static final String SOURCE = "mhist";
    private static final String TABLE = "hist_items";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private static StackEndpoints stack;
    private static Connection primary;
    private static Connection replica;

    @BeforeAll
    static void prepare() throws Exception {
        stack = Stack.up();
        primary = connect(stack.mariadbJdbcUrl());
        replica = connect(stack.mariadbReplicaJdbcUrl());
        sql(replica, "START SLAVE"); // a run that died in the middle may have left it stopped
        sql(primary, "DROP TABLE IF EXISTS " + TABLE);
        sql(primary, "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
        for (int id = 1; id <= 6; id++) {
            sql(primary, "INSERT INTO " + TABLE + " VALUES (" + id + ", 'item-" + id + "')");
        }
        KafkaTestSupport.deleteTopics(topic());
    }

    @AfterAll
    static void restore() throws Exception {
        if (replica != null) {
            sql(replica, "START SLAVE");
            replica.close();
        }
        if (primary != null) {
            sql(primary, "DROP TABLE IF EXISTS " + TABLE);
            primary.close();
        }
    }

    @Test
    void captureFollowsASwitchToTheReplicaAndRecoversFromANewBinlogHistory() throws Exception {
        Path state = Files.createTempDirectory("capture-mhist-it");
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic())) {
            // 1. On the primary.
            try (PackagedCapture capture = PackagedCapture.start("mhistit", state, properties(stack.get("CDC_MARIADB_PORT")))
                    .awaitReady(DEADLINE)) {
                awaitSinksEqual(reader, primary, "the snapshot of the primary");
                sql(primary, "UPDATE " + TABLE + " SET name = 'primary' WHERE id = 1");
                sql(primary, "DELETE FROM " + TABLE + " WHERE id = 2");
                awaitSinksEqual(reader, primary, "changes read from the primary");
                assertThat(capture.isAlive()).isTrue();
            }
            // Made while capture is away: read from the replica's binlog after the switch.
            sql(primary, "UPDATE " + TABLE + " SET name = 'during the switch' WHERE id = 1");
            sql(primary, "INSERT INTO " + TABLE + " VALUES (7, 'item-7')");

            // 2. The same source, its offsets kept, now reading the replica.
            try (PackagedCapture capture = PackagedCapture.start("mhistit", state, properties(stack.get("CDC_MARIADB_REPLICA_PORT")))
                    .awaitReady(DEADLINE)) {
                sql(primary, "UPDATE " + TABLE + " SET name = 'after the switch' WHERE id = 1");
                sql(primary, "UPDATE " + TABLE + " SET name = 'after the switch' WHERE id = 3");
                List<ConsumerRecord<byte[], byte[]>> read = awaitSinksEqual(reader, primary, "changes read from the replica");
                assertThat(KafkaTestSupport.events(read)).as("no snapshot after the switch")
                        .filteredOn(e -> e.op() == Op.READ).hasSize(6);

                // 3. A new binlog history on the server capture reads: its GTIDs start again at 1.
                sql(replica, "STOP SLAVE");
                sql(replica, "RESET MASTER");
                sql(replica, "UPDATE " + TABLE + " SET name = 'new history' WHERE id = 3");
                sql(replica, "DELETE FROM " + TABLE + " WHERE id = 4");
                sql(replica, "INSERT INTO " + TABLE + " VALUES (8, 'item-8')");
                String health = capture.awaitNotReady("no longer on the database server", DEADLINE);
                assertThat(health).contains("no longer on the database server").contains("bin/cdcflow repair " + SOURCE);
                assertThat(KafkaTestSupport.applyAsSinks(reader.awaitNoSettle(r -> true, Duration.ofSeconds(5)), "name"))
                        .as("nothing of the new history was published at positions the sinks would refuse")
                        .doesNotContainKey(8L);

                assertThat(capture.post("/sources/" + SOURCE + "/repair", "{}").statusCode()).isEqualTo(202);
                read = awaitSinksEqual(reader, replica, "the repair after the new binlog history");
                List<ChangeEvent> events = KafkaTestSupport.events(read);
                assertThat(events).filteredOn(e -> e.op() == Op.TRUNCATE).extracting(ChangeEvent::position)
                        .containsExactly(Position.floor(1));
                sql(replica, "UPDATE " + TABLE + " SET name = 'streamed in generation 1' WHERE id = 5");
                read = awaitSinksEqual(reader, replica, "a change streamed after the repair");
                assertThat(KafkaTestSupport.events(read).getLast().position().generation()).isEqualTo(1);
                capture.awaitReady(Duration.ofSeconds(10));
            }
        }
    }

    private static Map<String, String> properties(String port) {
        String p = "cdc.capture.sources." + SOURCE + ".";
        String db = stack.get("CDC_MARIADB_DB");
        return Map.of(p + "kind", "mariadb", p + "host", stack.get("CDC_MARIADB_HOST"), p + "port", port,
                p + "database", db, p + "user", stack.get("CDC_MARIADB_USER"),
                p + "password", stack.get("CDC_MARIADB_PASSWORD"), p + "tables", db + "." + TABLE,
                p + "log.server-id", "5471");
    }

    /** Reads the topic until a sink applying it by the position rule holds exactly {@code server}'s rows. */
    private static List<ConsumerRecord<byte[], byte[]>> awaitSinksEqual(KafkaTestSupport.Reader reader, Connection server,
                                                                        String step) throws SQLException {
        Map<Long, String> expected = rows(server);
        try {
            return reader.await(r -> KafkaTestSupport.applyAsSinks(r, "name").equals(expected), DEADLINE);
        } catch (AssertionError e) {
            throw new AssertionError(step + ": the sinks would not equal the table " + expected, e);
        }
    }

    private static Map<Long, String> rows(Connection c) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, name FROM " + TABLE)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    private static String topic() {
        return SOURCE + "." + stack.get("CDC_MARIADB_DB") + "." + TABLE;
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, stack.get("CDC_MARIADB_USER"), stack.get("CDC_MARIADB_PASSWORD"));
    }

    private static void sql(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
