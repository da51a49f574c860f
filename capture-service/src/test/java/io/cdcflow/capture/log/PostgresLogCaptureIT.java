package io.cdcflow.capture.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Envelope;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log-based capture from the real source PostgreSQL through the Debezium embedded engine into the real Kafka:
 * inserts, updates, deletes and a multi-row transaction arrive once each, in commit order per key, with their
 * before and after images, exact decimals, and increasing positions.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresSourceResource.class, restrictToAnnotatedClass = true)
class PostgresLogCaptureIT {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void everyCommittedChangeArrivesOnceInCommitOrder() throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            PostgresSourceResource.awaitActiveSlot("cdcflow_itpg", Duration.ofSeconds(60));
            c.setAutoCommit(false);
            s.execute("INSERT INTO capture_it.items VALUES (1, 'one', 1.10, '2024-01-02', '{a,b}'), (2, 'two', 2.00, null, null), (3, 'three', 3.30, null, null)");
            c.commit();
            s.execute("UPDATE capture_it.items SET name = 'uno', price = 11.05 WHERE id = 1");
            c.commit();
            s.execute("DELETE FROM capture_it.items WHERE id = 2");
            c.commit();
            s.execute("TRUNCATE capture_it.items");
            c.commit();
        }

        List<ConsumerRecord<byte[], byte[]>> records = read(PostgresSourceResource.TOPIC, 6, Duration.ofSeconds(90));
        assertThat(records).hasSize(6);
        ChangeEvent truncate = ChangeEventSerde.readValue(records.get(5).value()).event();
        assertThat(truncate.op()).isEqualTo(Op.TRUNCATE);
        assertThat(records.get(5).key()).as("a truncate has no row, so no key").isNull();
        records = records.subList(0, 5);
        List<ChangeEvent> events = records.stream().map(r -> ChangeEventSerde.readValue(r.value()).event()).toList();
        // Rows read by the initial snapshot would be "r"; the table was empty, so all five are streamed changes.
        assertThat(events).extracting(ChangeEvent::op)
                .containsExactly(Op.CREATE, Op.CREATE, Op.CREATE, Op.UPDATE, Op.DELETE);
        assertThat(records).extracting(r -> new String(r.key())).containsExactly(
                "{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":1}", "{\"id\":2}");

        ChangeEvent insert = events.get(0);
        assertThat(insert.after().get("price").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(insert.after().get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(insert.transaction()).isNotNull();
        // One transaction (same PostgreSQL txid, the part before ':'), three events in order.
        assertThat(events.subList(0, 3)).extracting(e -> e.transaction().id().split(":")[0]).containsOnly(insert.transaction().id().split(":")[0]);
        assertThat(events.subList(0, 3)).extracting(e -> e.transaction().totalOrder()).containsExactly(1L, 2L, 3L);
        ChangeEvent update = events.get(3);
        assertThat(update.before().get("name").asText()).isEqualTo("one");
        assertThat(update.after().get("name").asText()).isEqualTo("uno");
        assertThat(update.after().get("price").decimalValue()).isEqualByComparingTo("11.05");
        assertThat(update.position().isNewerThan(insert.position())).isTrue();
        ChangeEvent delete = events.get(4);
        assertThat(delete.before().get("name").asText()).isEqualTo("two");
        assertThat(delete.after()).isNull();
        assertThat(delete.table().qualifiedName()).isEqualTo("itpg.capture_it.items");

        // The slot's WAL lag is measured against the real server: a reading (>= 0) within its 15 s period.
        await("a slot lag reading").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            var gauge = meters.find("cdc.capture.slot.lag.bytes").tag("source", PostgresSourceResource.SOURCE).gauge();
            assertThat(gauge).isNotNull();
            assertThat(gauge.value()).isGreaterThanOrEqualTo(0);
        });

        Envelope withSchema = ChangeEventSerde.readValue(records.get(0).value());
        JsonNode schema = withSchema.connectSchema();
        assertThat(schema.get("name").asText()).isEqualTo("itpg.capture_it.items.Envelope");
    }

    /** At least {@code atLeast} records of {@code topic} (and any duplicate that follows them), in position order. */
    static List<ConsumerRecord<byte[], byte[]>> read(String topic, int atLeast, Duration deadline) {
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(topic)) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(reader.await(r -> r.size() >= atLeast, deadline));
            out.sort(java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> ChangeEventSerde.readValue(r.value()).event().position()));
            return out;
        }
    }
}
