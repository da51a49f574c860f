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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash of the packaged capture-service in the middle of a large MariaDB transaction, then a restart on the same
 * state folder. The transaction changes one row {@value #CHANGES} times ({@code v = 1 .. CHANGES}); with GTIDs and
 * transaction metadata each change's position is the GTID's sequence, then its order in the transaction. Debezium,
 * resumed inside a transaction, numbers its remaining changes from 1 again: had capture committed such an offset, the
 * re-read changes would reuse positions the sinks already hold for other states, and the row would keep a state
 * from the middle of the transaction. Every position must name one state, positions must grow with {@code v}, and
 * the highest position must carry the last state.
 */
class MariaDbTransactionResumeIT {

    private static final String SOURCE = "mresume";
    private static final String TABLE = "resume_items";
    private static final int CHANGES = 40_000;
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    private static StackEndpoints stack;

    @BeforeAll
    static void prepare() throws Exception {
        stack = Stack.up();
        try (Connection c = connect()) {
            sql(c, "DROP TABLE IF EXISTS " + TABLE);
            sql(c, "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, v INT NOT NULL)");
            sql(c, "INSERT INTO " + TABLE + " VALUES (1, 0)");
        }
        KafkaTestSupport.deleteTopics(topic());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Connection c = connect()) {
            sql(c, "DROP TABLE IF EXISTS " + TABLE);
        }
        KafkaTestSupport.deleteTopics(topic());
    }

    @Test
    void aCrashInsideATransactionReplaysItAtTheSamePositions() throws Exception {
        Path state = Files.createTempDirectory("capture-mresume-it");
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic())) {
            PackagedCapture capture = PackagedCapture.start("mresumeit", state, properties()).awaitReady(DEADLINE);
            try {
                reader.awaitNoSettle(r -> !r.isEmpty(), DEADLINE); // the snapshot's row: capture streams from now on
                CompletableFuture<Void> transaction = CompletableFuture.runAsync(MariaDbTransactionResumeIT::changeTheRowManyTimes);
                reader.awaitNoSettle(r -> r.size() > CHANGES / 5, DEADLINE);
                Thread.sleep(1500); // more than offset.flush.interval.ms while capture publishes the transaction
                int before = reader.awaitNoSettle(r -> true, Duration.ofSeconds(1)).size();
                assertThat(before).as("the crash must land inside the transaction's publication").isLessThan(CHANGES);
                capture.kill();
                transaction.get(60, TimeUnit.SECONDS);

                capture = PackagedCapture.start("mresumeit", state, properties()).awaitReady(DEADLINE);
                List<ConsumerRecord<byte[], byte[]>> read = reader.await(
                        r -> !r.isEmpty() && lastState(r) == CHANGES, DEADLINE); // one row: one partition, in order

                TreeMap<Position, Integer> states = new TreeMap<>();
                for (ChangeEvent e : KafkaTestSupport.events(read)) {
                    if (e.op() == Op.UPDATE) {
                        int v = e.after().get("v").asInt();
                        Integer earlier = states.putIfAbsent(e.position(), v);
                        assertThat(earlier == null || earlier == v)
                                .as("position %s names one state, not v=%s and v=%s", e.position(), earlier, v).isTrue();
                    }
                }
                assertThat(states).as("one position per committed state").hasSize(CHANGES);
                assertThat(List.copyOf(states.values())).as("states in position order").isSorted();
                assertThat(states.lastEntry().getValue()).as("the state at the highest position, which the sinks keep")
                        .isEqualTo(CHANGES);
                System.out.printf("crash inside a transaction of %d changes: %d published before the crash, %d read in "
                        + "all (exact re-deliveries after the restart)%n", CHANGES, before, read.size());
            } finally {
                capture.close();
            }
        }
    }

    private static int lastState(List<ConsumerRecord<byte[], byte[]>> records) {
        ChangeEvent last = KafkaTestSupport.events(List.of(records.getLast())).getFirst();
        return last.after() == null ? -1 : last.after().get("v").asInt();
    }

    private static void changeTheRowManyTimes() {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            sql(c, "BEGIN NOT ATOMIC DECLARE i INT DEFAULT 1; WHILE i <= " + CHANGES + " DO UPDATE " + TABLE
                    + " SET v = i WHERE id = 1; SET i = i + 1; END WHILE; END");
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.Map<String, String> properties() {
        String p = "cdc.capture.sources." + SOURCE + ".";
        String db = stack.get("CDC_MARIADB_DB");
        return java.util.Map.of(p + "kind", "mariadb", p + "host", stack.get("CDC_MARIADB_HOST"),
                p + "port", stack.get("CDC_MARIADB_PORT"), p + "database", db, p + "user", stack.get("CDC_MARIADB_USER"),
                p + "password", stack.get("CDC_MARIADB_PASSWORD"), p + "tables", db + "." + TABLE,
                p + "log.server-id", "5473");
    }

    private static String topic() {
        return SOURCE + "." + stack.get("CDC_MARIADB_DB") + "." + TABLE;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(stack.mariadbJdbcUrl(), stack.get("CDC_MARIADB_USER"),
                stack.get("CDC_MARIADB_PASSWORD"));
    }

    private static void sql(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
