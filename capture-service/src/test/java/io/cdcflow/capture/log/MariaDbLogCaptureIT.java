package io.cdcflow.capture.log;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log-based capture from the real MariaDB (row binlog) through Debezium's MariaDB connector into the real Kafka:
 * inserts in one transaction, an update and a delete arrive once, in binlog order, with their images, exact
 * decimals and increasing positions (GTID sequence and event order, or binlog file, offset and row), also across a
 * binlog rollover ({@code FLUSH BINARY LOGS}).
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbSourceResource.class, restrictToAnnotatedClass = true)
class MariaDbLogCaptureIT {

    @jakarta.inject.Inject
    io.cdcflow.capture.source.CaptureRunner runner;

    @Test
    void binlogChangesArriveOnceInCommitOrder() throws Exception {
        await("the source running").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                runner.states().get(MariaDbSourceResource.SOURCE) == io.cdcflow.capture.source.CaptureRunner.SourceState.RUNNING);
        Thread.sleep(3000); // the snapshot of the (empty) table ends before the binlog is read
        try (Connection c = MariaDbSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO log_it_items VALUES (1, 'one', 1.10), (2, 'two', 2.00)");
            c.commit();
            s.execute("UPDATE log_it_items SET name = 'uno', price = 11.05 WHERE id = 1");
            c.commit();
            s.execute("DELETE FROM log_it_items WHERE id = 2");
            c.commit();
            // A binlog rollover: the next change is in a new file, at a small offset; its position must still grow.
            s.execute("FLUSH BINARY LOGS");
            s.execute("UPDATE log_it_items SET name = 'after the rollover' WHERE id = 1");
            c.commit();
        }

        List<ConsumerRecord<byte[], byte[]>> records = PostgresLogCaptureIT.read(MariaDbSourceResource.topic(Stack.up()), 5,
                Duration.ofSeconds(90));
        List<ChangeEvent> events = records.stream().map(r -> ChangeEventSerde.readValue(r.value()).event()).toList();
        assertThat(events).hasSize(5);
        assertThat(events.get(4).after().get("name").asText()).isEqualTo("after the rollover");
        assertThat(events.get(4).source().text("file")).isNotEqualTo(events.get(2).source().text("file"));
        assertThat(events.get(4).position().isNewerThan(events.get(2).position())).isTrue();
        events = events.subList(0, 4);
        records = records.subList(0, 4);
        // Inserted after the task started: streamed ("c"), or read by the snapshot ("r") if it had not begun yet.
        assertThat(events.subList(0, 2)).extracting(ChangeEvent::op).allMatch(op -> op == Op.CREATE || op == Op.READ);
        assertThat(events.subList(2, 4)).extracting(ChangeEvent::op).containsExactly(Op.UPDATE, Op.DELETE);
        assertThat(records.subList(0, 2)).extracting(r -> new String(r.key())).containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}");
        assertThat(records.subList(2, 4)).extracting(r -> new String(r.key())).containsExactly("{\"id\":1}", "{\"id\":2}");
        ChangeEvent one = events.subList(0, 2).stream().filter(e -> e.after().get("id").asLong() == 1).findFirst().orElseThrow();
        assertThat(one.after().get("price").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(events.get(2).before().get("name").asText()).isEqualTo("one");
        assertThat(events.get(2).after().get("price").decimalValue()).isEqualByComparingTo("11.05");
        assertThat(events.get(3).before().get("name").asText()).isEqualTo("two");
        assertThat(events.get(3).source().connector()).isEqualTo("mariadb");
        assertThat(events.get(2).position().isNewerThan(one.position())).isTrue();
        assertThat(events.get(3).position().isNewerThan(events.get(2).position())).isTrue();
    }
}
