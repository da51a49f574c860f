package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

/**
 * On-demand incremental snapshots of a log-based PostgreSQL source through Debezium's signal table, requested with
 * {@code POST /sources/{source}/snapshots} against the real source database and the real Kafka: the snapshot
 * delivers the table's rows as {@code r} events while updates and deletes keep streaming, a sink applying the
 * topic by position ends equal to the table, and a restart in the middle of a snapshot resumes it.
 */
@QuarkusTest
@QuarkusTestResource(value = IncrementalSnapshotResource.class, restrictToAnnotatedClass = true)
class PostgresIncrementalSnapshotIT {

    @Test
    void requestsForUnknownSourcesOrTablesAreRefused() throws Exception {
        given().contentType(ContentType.JSON).body("{\"tables\":[\"incr_snapshot.items\"]}")
                .post("/sources/nosuch/snapshots").then().statusCode(404).body("error", containsString("nosuch"));
        given().contentType(ContentType.JSON).body("{\"tables\":[\"incr_snapshot.other\"]}")
                .post("/sources/incrsnap/snapshots").then().statusCode(400).body("error", containsString("incr_snapshot.other"));
        given().contentType(ContentType.JSON).body("{\"tables\":[]}")
                .post("/sources/incrsnap/snapshots").then().statusCode(400);
        assertThat(cdcflow("snapshot", "incrsnap", "incr_snapshot.nosuch")).startsWith("1:refused (HTTP 400)").contains("incr_snapshot.nosuch");
    }

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL root;

    /** Runs {@code bin/cdcflow} against this test's capture-service; returns "exit code:output". */
    private String cdcflow(String... args) throws Exception {
        return CdcflowCli.run(root, args);
    }

    @Test
    void aResnapshotDeliversEveryRowWhileChangesKeepStreaming() throws Exception {
        PostgresSourceResource.awaitActiveSlot("cdcflow_incrsnap", Duration.ofSeconds(60));
        Set<Long> touched = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        // Updates and deletes of random rows, one transaction each, all through the snapshot.
        Thread writer = Thread.ofPlatform().name("snapshot-writer").start(() -> {
            try (Connection c = PostgresSourceResource.connect(Stack.up());
                 PreparedStatement update = c.prepareStatement("UPDATE incr_snapshot.items SET name = ?, version = version + 1 WHERE id = ?");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM incr_snapshot.items WHERE id = ?")) {
                for (int n = 0; !stop.get(); n++) {
                    long id = ThreadLocalRandom.current().nextLong(1, IncrementalSnapshotResource.ITEM_ROWS + 1);
                    touched.add(id);
                    if (n % 20 == 19) {
                        delete.setLong(1, id);
                        delete.executeUpdate();
                    } else {
                        update.setString(1, "w" + n);
                        update.setLong(2, id);
                        update.executeUpdate();
                    }
                    Thread.sleep(3);
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        List<ConsumerRecord<byte[], byte[]>> records;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(IncrementalSnapshotResource.topic(IncrementalSnapshotResource.ITEMS))) {
            Thread.sleep(500);
            given().contentType(ContentType.JSON).body("{\"tables\":[\"incr_snapshot.items\"]}")
                    .post("/sources/incrsnap/snapshots").then().statusCode(202).body("id", notNullValue());
            // Keep writing until most rows were read by the snapshot, then let the stream settle.
            reader.await(r -> snapshotKeys(r).size() >= IncrementalSnapshotResource.ITEM_ROWS * 8 / 10, Duration.ofSeconds(120));
            stop.set(true);
            writer.join(Duration.ofSeconds(10));
            assertThat(writerFailure.get()).isNull();
            Map<Long, String> expected = tableState("incr_snapshot.items");
            Set<Long> untouched = new HashSet<>(expected.keySet());
            untouched.removeAll(touched);
            // Done when every untouched row was read by the snapshot and a sink applying by position equals the table.
            records = reader.await(r -> snapshotKeys(r).containsAll(untouched) && applyByPosition(r).equals(expected),
                    Duration.ofSeconds(120));
            assertThat(applyByPosition(records)).isEqualTo(expected);
        } finally {
            stop.set(true);
            writer.join(Duration.ofSeconds(10));
        }
        List<ChangeEvent> reads = KafkaTestSupport.events(records).stream().filter(e -> e.op() == Op.READ).toList();
        assertThat(reads).allSatisfy(e -> {
            assertThat(e.source().snapshot()).isEqualTo("incremental");
            assertThat(e.position()).isEqualTo(Position.SNAPSHOT);
            assertThat(e.before()).isNull();
            assertThat(e.after()).isNotNull();
        });
        // A few rows changed while their chunk was read are delivered by the stream instead (Debezium drops them from
        // the chunk); every other row arrives as a read, at most once per chunk re-read.
        assertThat(snapshotKeys(records).size()).isGreaterThan(IncrementalSnapshotResource.ITEM_ROWS - touched.size() - 1);
        assertThat(streamedBetweenReads(records)).as("changes streamed while the snapshot ran").isGreaterThan(10);
    }

    @Test
    void aRestartInTheMiddleOfAnIncrementalSnapshotResumesIt() throws Exception {
        PostgresSourceResource.awaitActiveSlot("cdcflow_incrsnap", Duration.ofSeconds(60));
        int total = IncrementalSnapshotResource.BIG_ROWS;
        List<ConsumerRecord<byte[], byte[]>> records;
        int readBeforeRestart;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(IncrementalSnapshotResource.topic(IncrementalSnapshotResource.BIG))) {
            // Through the command line, as a user would.
            assertThat(cdcflow("snapshot", "incrsnap", "incr_snapshot.big")).startsWith("0:snapshot requested: ");
            List<ConsumerRecord<byte[], byte[]>> early = reader.awaitNoSettle(r -> r.size() >= total / 5 && progressCommitted(),
                    Duration.ofSeconds(120));
            // Drop capture's replication connection: the engine fails and restarts from its committed offsets.
            try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdcflow_incrsnap' AND active");
            }
            readBeforeRestart = early.size();
            assertThat(readBeforeRestart).as("the restart happened in the middle of the snapshot").isLessThan(total);
            records = reader.await(r -> snapshotKeys(r).size() >= total, Duration.ofSeconds(180));
        }
        Map<Long, Integer> times = new HashMap<>();
        for (ChangeEvent e : KafkaTestSupport.events(records)) {
            assertThat(e.op()).isEqualTo(Op.READ);
            times.merge(e.after().get("id").asLong(), 1, Integer::sum);
        }
        assertThat(times.keySet()).hasSize(total);
        long redelivered = records.size() - total;
        // Chunks are read in key order, so every row up to the highest key read twice was read before the restart.
        long lastReadAgain = times.entrySet().stream().filter(t -> t.getValue() > 1).mapToLong(Map.Entry::getKey).max().orElse(0);
        System.out.printf("incremental snapshot of %d rows: at least %d read before the restart, %d re-delivered after it "
                + "(up to key %d)%n", total, Math.max(readBeforeRestart, lastReadAgain), redelivered, lastReadAgain);
        // Resumed, not restarted: a restart from the first chunk would read every one of those rows again; a resume
        // reads again only the chunks after the last committed offset (up to a second's worth, the flush interval).
        assertThat(times.get(1L)).as("the first chunk is not read again").isEqualTo(1);
        assertThat(redelivered).as("rows read twice, fewer than were read before the restart").isLessThan(Math.max(1, lastReadAgain));
    }

    /** True once the source's committed offsets (the file store's serialized map) hold incremental-snapshot progress. */
    private static boolean progressCommitted() {
        java.nio.file.Path offsets = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("cdc.capture.state-dir", String.class), IncrementalSnapshotResource.SOURCE + ".offsets");
        try {
            return java.nio.file.Files.exists(offsets)
                    && new String(java.nio.file.Files.readAllBytes(offsets), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("incremental_snapshot_primary_key");
        } catch (java.io.IOException e) {
            return false; // being rewritten: look again
        }
    }

    private static Set<Long> snapshotKeys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<Long> keys = new HashSet<>();
        for (ChangeEvent e : KafkaTestSupport.events(records)) {
            if (e.op() == Op.READ) {
                keys.add(e.after().get("id").asLong());
            }
        }
        return keys;
    }

    /** What a sink holds after applying the records in topic order, each only if its position is newer (rows, not tombstones). */
    private static Map<Long, String> applyByPosition(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Long, ChangeEvent> held = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ChangeEvent e = ChangeEventSerde.readValue(r.value()).event();
            long id = e.row().get("id").asLong();
            ChangeEvent current = held.get(id);
            if (current == null || e.position().isNewerThan(current.position())) {
                held.put(id, e);
            }
        }
        Map<Long, String> state = new HashMap<>();
        held.forEach((id, e) -> {
            if (e.op() != Op.DELETE) {
                state.put(id, e.after().get("name").asText() + "/" + e.after().get("version").asInt());
            }
        });
        return state;
    }

    /** Per partition, the streamed changes between the first and the last snapshot read. */
    private static int streamedBetweenReads(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Integer, List<Op>> byPartition = new HashMap<>();
        records.stream().sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                .forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(ChangeEventSerde.readValue(r.value()).event().op()));
        int streamed = 0;
        for (List<Op> ops : byPartition.values()) {
            int first = ops.indexOf(Op.READ);
            int last = ops.lastIndexOf(Op.READ);
            for (int i = first + 1; first >= 0 && i < last; i++) {
                streamed += ops.get(i) == Op.READ ? 0 : 1;
            }
        }
        return streamed;
    }

    private static Map<Long, String> tableState(String table) throws Exception {
        Map<Long, String> state = new HashMap<>();
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, version FROM " + table)) {
            while (rs.next()) {
                state.put(rs.getLong(1), rs.getString(2) + "/" + rs.getInt(3));
            }
        }
        return state;
    }
}
