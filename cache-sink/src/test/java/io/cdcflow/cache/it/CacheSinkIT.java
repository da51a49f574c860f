package io.cdcflow.cache.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.sink.Events;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.cdcflow.sink.Events.event;
import static io.cdcflow.sink.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink against the real Kafka and Redis of the local stack: each test produces change envelopes to topics of its
 * own ({@code validated.<run><n>.public.<table>}) and asserts the hashes Redis then holds under the keys of that
 * source ({@code <run prefix>:<run><n>.public.<table>:<row key>}), which no other test writes.
 */
@QuarkusTest
@QuarkusTestResource(value = CacheSinkStackResource.class, restrictToAnnotatedClass = true)
class CacheSinkIT {

    private static final AtomicInteger SOURCES = new AtomicInteger();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private static TestKafka kafka;
    private static DeadLetters dlq;

    @Inject
    MeterRegistry meters;

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    @BeforeAll
    static void clients() {
        kafka = TestKafka.of(CacheSinkStackResource.endpoints);
        dlq = new DeadLetters(kafka);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** One table of one test: its source name, topic and keys. */
    record Table(String source, String name) {
        String topic() {
            return "validated." + source + ".public." + name;
        }

        String qualified() {
            return source + ".public." + name;
        }

        String tableKey() {
            return CacheSinkStackResource.PREFIX + ":" + qualified();
        }

        String key(Object id) {
            return tableKey() + ":" + id;
        }
    }

    private static Table table(String name) {
        return new Table(CacheSinkStackResource.RUN + SOURCES.incrementAndGet(), name);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void insertUpdateDeleteArriveAsRowHashesAndATombstone() throws Exception {
        Table t = table("customers");
        send(t, Op.CREATE, 100, row("id", 1, "name", "Ada", "price", new BigDecimal("12.50")));
        send(t, Op.CREATE, 110, row("id", 2, "name", "Bob", "price", new BigDecimal("3.10")));
        send(t, Op.UPDATE, 120, row("id", 1, "name", "Ada L.", "price", new BigDecimal("13.00")));
        send(t, Op.DELETE, 130, row("id", 2, "name", "Bob", "price", new BigDecimal("3.10")));
        awaitConsumed(t);

        Map<String, String> ada = hash(t.key(1));
        assertThat(ada).containsOnlyKeys("row", "pos").containsEntry("pos", new io.cdcflow.model.Position(120).sortKey());
        assertThat(ada.get("row")).isEqualTo("{\"id\":1,\"name\":\"Ada L.\",\"price\":13.00}");
        assertThat(redis.key().pttl(t.key(1))).isEqualTo(-1);
        assertThat(hash(t.key(2))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(130).sortKey(), "deleted", "1"));
        assertThat(redis.key().pttl(t.key(2))).isBetween(DAY_MS - 120_000, DAY_MS);
        // A change superseded by a newer one of its row in the same consumer batch is counted as superseded.
        double applied = counter("cdc.sink.applied", t);
        assertThat(applied).isBetween(2.0, 4.0);
        assertThat(applied + skipped(t)).isEqualTo(4.0);
        assertThat(meters.get("cdc.sink.lag").tag("sink", "cache-sink").tag("table", t.qualified()).timer().count())
                .isEqualTo((long) applied);
    }

    @Test
    void replayingTheTopicTwiceLeavesRedisAsOnePassDid() {
        Table t = table("orders");
        List<Sent> events = history(t, 20, new Random(7));
        events.forEach(this::send);
        awaitConsumed(t);
        Map<String, Map<String, String>> once = snapshot(t);
        assertThat(once).hasSize(20);
        assertThat(once.values()).anyMatch(h -> h.containsKey("deleted")).anyMatch(h -> h.containsKey("row"));

        events.forEach(this::send);
        events.forEach(this::send);
        awaitConsumed(t);
        assertThat(snapshot(t)).isEqualTo(once);
        assertThat(skipped(t)).isGreaterThanOrEqualTo(2.0 * events.size());
    }

    @Test
    void shuffledAndDuplicatedEventsEndAsInOrder() {
        Table ordered = table("items");
        Table shuffled = table("items");
        List<Sent> inOrder = history(ordered, 15, new Random(11));
        List<Sent> mixed = new ArrayList<>(history(shuffled, 15, new Random(11)));
        Random r = new Random(3);
        for (int i = 0; i < 20; i++) {
            mixed.add(mixed.get(r.nextInt(mixed.size())));
        }
        Collections.shuffle(mixed, r);
        inOrder.forEach(this::send);
        mixed.forEach(this::send);
        awaitConsumed(ordered);
        awaitConsumed(shuffled);
        assertThat(byRowKey(shuffled)).isEqualTo(byRowKey(ordered)).hasSize(15);
    }

    @Test
    void aDeleteThenALateOlderInsertStaysDeleted() {
        Table t = table("accounts");
        send(t, Op.CREATE, 100, row("id", 1, "owner", "Ada"));
        awaitConsumed(t);
        send(t, Op.DELETE, 200, row("id", 1, "owner", "Ada"));
        awaitConsumed(t);
        send(t, Op.CREATE, 150, row("id", 1, "owner", "Ada (late)"));
        send(t, Op.UPDATE, 199, row("id", 1, "owner", "Ada (late update)"));
        awaitConsumed(t);
        assertThat(hash(t.key(1))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(200).sortKey(), "deleted", "1"));
        assertThat(skipped(t)).isEqualTo(2.0);

        send(t, Op.CREATE, 201, row("id", 1, "owner", "Ada again"));
        awaitConsumed(t);
        assertThat(hash(t.key(1))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(201).sortKey(), "row", "{\"id\":1,\"owner\":\"Ada again\"}"));
        assertThat(redis.key().pttl(t.key(1))).as("a re-created row no longer expires like its tombstone")
                .isEqualTo(-1);
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithItsReasonAndLaterEventsStillFlow() {
        Table t = table("payments");
        Map<TopicPartition, Long> dlqStart = dlq.mark();
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        produce(t.topic(), key(1), garbage);
        ObjectNode unknownOp = ChangeEventSerde.toJson(event(t.source(), t.name(), Op.CREATE, 50, row("id", 3)));
        unknownOp.put("op", "x");
        produce(t.topic(), key(3), unknownOp.toString().getBytes(StandardCharsets.UTF_8));
        send(t, Op.CREATE, 100, row("id", 2, "amount", 5));
        awaitConsumed(t);
        assertThat(hash(t.key(2))).containsEntry("pos", new io.cdcflow.model.Position(100).sortKey());
        assertThat(redis.key().exists(t.key(1))).isFalse();
        assertThat(redis.key().exists(t.key(3))).isFalse();

        Map<String, ConsumerRecord<byte[], byte[]>> byReason = deadLetters(dlqStart, t.topic(), 2).stream()
                .collect(Collectors.toMap(r -> header(r, "cdc.dlq.reason"), r -> r));
        assertThat(byReason).containsOnlyKeys("unparseable_json", "unknown_op");
        ConsumerRecord<byte[], byte[]> g = byReason.get("unparseable_json");
        assertThat(g.value()).isEqualTo(garbage);
        assertThat(g.key()).isEqualTo(key(1));
        assertThat(header(g, "cdc.dlq.service")).isEqualTo("cache-sink");
        assertThat(header(g, "cdc.dlq.topic")).isEqualTo(t.topic());
        assertThat(header(g, "cdc.dlq.offset")).matches("\\d+");
        assertThat(header(g, "cdc.dlq.message")).contains("not valid JSON");
        assertThat(meters.get("cdc.sink.dead.lettered").tag("sink", "cache-sink").tag("reason", "unknown_op")
                .counter().count()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aKeyHoldingSomethingElseIsDeadLetteredAsRejectedAndTheRestOfTheBatchApplies() {
        Table t = table("stock");
        Map<TopicPartition, Long> dlqStart = dlq.mark();
        redis.value(String.class).set(t.key(1), "not a hash");
        send(t, Op.CREATE, 100, row("id", 1, "qty", 5));
        send(t, Op.CREATE, 110, row("id", 2, "qty", 7));
        awaitConsumed(t);
        assertThat(redis.value(String.class).get(t.key(1))).isEqualTo("not a hash");
        assertThat(hash(t.key(2))).containsEntry("row", "{\"id\":2,\"qty\":7}");
        ConsumerRecord<byte[], byte[]> dead = deadLetters(dlqStart, t.topic(), 1).getFirst();
        assertThat(header(dead, "cdc.dlq.reason")).isEqualTo("rejected_by_store");
        assertThat(header(dead, "cdc.dlq.message")).startsWith("WRONGTYPE");
        assertThat(ChangeEventSerde.readKey(dead.key()).asString()).isEqualTo("1");
    }

    @Test
    void aNewColumnInLaterEventsIsStored() throws Exception {
        Table t = table("people");
        send(t, Op.CREATE, 100, row("id", 1, "name", "Ada"));
        awaitConsumed(t);
        send(t, Op.CREATE, 110, row("id", 2, "name", "Bob", "email", "bob@example.org"));
        send(t, Op.UPDATE, 120, row("id", 1, "name", "Ada", "email", "ada@example.org"));
        awaitConsumed(t);
        assertThat(rowJson(t.key(2)).path("email").asText()).isEqualTo("bob@example.org");
        assertThat(rowJson(t.key(1)).path("email").asText()).isEqualTo("ada@example.org");
    }

    @Test
    void aTableWithARowTtlExpiresItsLiveRowsAndATableWithFieldsKeepsOnlyThose() throws Exception {
        Table sessions = new Table(CacheSinkStackResource.TTL_SOURCE, "sessions");
        Table users = new Table(CacheSinkStackResource.SELECT_SOURCE, "users");
        send(sessions, Op.CREATE, 100, row("id", 1, "user", "ada"));
        send(users, Op.CREATE, 100, row("id", 1, "name", "Ada", "password_hash", "x", "email", "ada@example.org"));
        awaitConsumed(sessions);
        awaitConsumed(users);
        assertThat(redis.key().pttl(sessions.key(1))).isBetween(3_600_000L - 120_000, 3_600_000L);
        assertThat(hash(users.key(1)).get("row")).isEqualTo("{\"id\":1,\"name\":\"Ada\"}");
        assertThat(redis.key().pttl(users.key(1))).isEqualTo(-1);

        send(sessions, Op.DELETE, 110, row("id", 1, "user", "ada"));
        awaitConsumed(sessions);
        assertThat(redis.key().pttl(sessions.key(1))).as("a tombstone lives as long as tombstone-ttl says")
                .isGreaterThan(3_600_000L);
    }

    @Test
    void aTruncateTombstonesTheRowsBeforeItAndBlocksOlderChangesAfterIt() {
        Table t = table("carts");
        send(t, Op.CREATE, 100, row("id", 1, "n", 1));
        send(t, Op.CREATE, 110, row("id", 2, "n", 2));
        send(t, Op.DELETE, 112, row("id", 2, "n", 2));
        awaitConsumed(t);
        produce(t.topic(), null, ChangeEventSerde.writeValue(event(t.source(), t.name(), Op.TRUNCATE, 120, null)));
        awaitConsumed(t);
        assertThat(hash(t.key(1))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(120).sortKey(), "deleted", "1"));
        assertThat(hash(t.key(2))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(112).sortKey(), "deleted", "1"));
        assertThat(hash(t.tableKey())).isEqualTo(Map.of("truncated", new io.cdcflow.model.Position(120).sortKey()));

        send(t, Op.CREATE, 130, row("id", 3, "n", 3));
        send(t, Op.UPDATE, 115, row("id", 1, "n", 10));
        send(t, Op.CREATE, 119, row("id", 4, "n", 4));
        awaitConsumed(t);
        assertThat(hash(t.key(1))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(120).sortKey(), "deleted", "1"));
        assertThat(redis.key().exists(t.key(4))).as("a row never seen, inserted before the truncate").isFalse();
        assertThat(hash(t.key(3))).containsEntry("pos", new io.cdcflow.model.Position(130).sortKey());
        assertThat(counter("cdc.sink.applied", t) + skipped(t)).isEqualTo(7.0);
        assertThat(counter("cdc.sink.skipped.stale", t)).as("the late update of 1 and insert of 4")
                .isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void positionsBeyondDoublePrecisionAreComparedExactly() {
        Table t = table("binlog");
        long base = 1L << 60;
        send(t, Op.CREATE, base + 1, row("id", 1, "v", "first"));
        awaitConsumed(t);
        // As doubles, base + 1 and base + 2 are the same number: a numeric compare would call this one stale.
        send(t, Op.UPDATE, base + 2, row("id", 1, "v", "second"));
        awaitConsumed(t);
        send(t, Op.UPDATE, base + 1, row("id", 1, "v", "late"));
        send(t, Op.UPDATE, 999_999_999L, row("id", 1, "v", "shorter"));
        awaitConsumed(t);
        assertThat(hash(t.key(1))).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(base + 2).sortKey(),
                "row", "{\"id\":1,\"v\":\"second\"}"));
    }

    @Test
    void aRepairInANewGenerationOverridesNewerOldPositionsAndItsSweepRemovesWhatItDidNotRead() {
        Table t = table("repair");
        send(t, Op.CREATE, 900, row("id", 1, "v", "stale"));
        send(t, Op.CREATE, 901, row("id", 2, "v", "deleted at the source meanwhile"));
        awaitConsumed(t);
        // The repair snapshot of generation 1 reads row 1 only; then its sweep.
        send(new Sent(t, key(1), ChangeEventSerde.writeValue(Events.snapshotRead(t.source(), t.name(), 1,
                row("id", 1, "v", "repaired")))));
        send(new Sent(t, null, ChangeEventSerde.writeValue(Events.sweep(t.source(), t.name(), 1))));
        // A late change of generation 0 changes nothing any more; a streamed change of generation 1 does.
        send(t, Op.UPDATE, 5_000, row("id", 1, "v", "late, old generation"));
        send(new Sent(t, key(3), ChangeEventSerde.writeValue(Events.withSource(event(t.source(), t.name(), Op.CREATE,
                10, row("id", 3, "v", "new")), "cdc_generation", 1))));
        awaitConsumed(t);

        assertThat(hash(t.key(1))).isEqualTo(Map.of("pos", Position.snapshot(1).sortKey(),
                "row", "{\"id\":1,\"v\":\"repaired\"}"));
        assertThat(hash(t.key(2))).containsEntry("deleted", "1").containsEntry("pos", Position.floor(1).sortKey());
        assertThat(hash(t.key(3))).containsEntry("pos", new Position(1, 10, 0).sortKey());
    }

    @Test
    void readinessReportsRedisUp() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(readiness).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode checks = Json.mapper().readTree(r.body()).path("checks");
        assertThat(checks.findValuesAsText("name")).contains("Redis connection health check");
        checks.forEach(c -> assertThat(c.path("status").asText()).isEqualTo("UP"));
    }

    // ---------------------------------------------------------------- producing

    /** A produced change: its table, key and value bytes. */
    record Sent(Table table, byte[] key, byte[] value) {
    }

    private static byte[] key(int id) {
        return ChangeEventSerde.writeKey(new RowKey(row("id", id)));
    }

    private void send(Table t, Op op, long lsn, ObjectNode row) {
        send(new Sent(t, key(row.get("id").asInt()), ChangeEventSerde.writeValue(event(t.source(), t.name(), op,
                lsn, row))));
    }

    private void send(Sent s) {
        produce(s.table().topic(), s.key(), s.value());
    }

    private static void produce(String topic, byte[] key, byte[] value) {
        kafka.send(topic, key, value);
    }

    /**
     * A random history of {@code rows} rows with increasing positions: each created, then updated, deleted and
     * sometimes created again.
     */
    private static List<Sent> history(Table t, int rows, Random random) {
        List<Sent> out = new ArrayList<>();
        long lsn = 1000;
        Map<Integer, Boolean> live = new HashMap<>();
        for (int id = 1; id <= rows; id++) {
            out.add(sent(t, Op.CREATE, lsn += 7, row("id", id, "v", 0)));
            live.put(id, true);
        }
        for (int step = 1; step <= rows * 4; step++) {
            int id = 1 + random.nextInt(rows);
            if (live.get(id)) {
                boolean delete = random.nextInt(4) == 0;
                out.add(sent(t, delete ? Op.DELETE : Op.UPDATE, lsn += 7, row("id", id, "v", step)));
                live.put(id, !delete);
            } else {
                out.add(sent(t, Op.CREATE, lsn += 7, row("id", id, "v", step)));
                live.put(id, true);
            }
        }
        return out;
    }

    private static Sent sent(Table t, Op op, long lsn, ObjectNode row) {
        return new Sent(t, key(row.get("id").asInt()), ChangeEventSerde.writeValue(event(t.source(), t.name(), op,
                lsn, row)));
    }

    // ---------------------------------------------------------------- consuming

    private static void awaitConsumed(Table t) {
        kafka.awaitConsumed(CacheSinkStackResource.GROUP, t.topic(), DEADLINE);
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(Map<TopicPartition, Long> start, String topic,
                                                                  int expected) {
        return dlq.await(start, DeadLetters.from(topic, "cache-sink"), expected);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return TestKafka.header(r, name);
    }

    // ---------------------------------------------------------------- Redis state

    /** The table's changes not written: stale, or superseded by a newer one of their row in the same batch. */
    private double skipped(Table t) {
        return counter("cdc.sink.skipped.stale", t) + counter("cdc.sink.superseded", t);
    }

    private double counter(String name, Table t) {
        var c = meters.find(name).tag("sink", "cache-sink").tag("table", t.qualified()).counter();
        return c == null ? 0 : c.count();
    }

    private Map<String, String> hash(String key) {
        return redis.hash(String.class).hgetall(key);
    }

    private JsonNode rowJson(String key) throws Exception {
        return Json.mapper().readTree(hash(key).get("row"));
    }

    /** Every key of the table's rows with its hash. */
    private Map<String, Map<String, String>> snapshot(Table t) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        redis.key().keys(t.tableKey() + ":*").forEach(k -> out.put(k, hash(k)));
        return out;
    }

    /** The table's rows by row key alone, to compare two tables. */
    private Map<String, Map<String, String>> byRowKey(Table t) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        snapshot(t).forEach((k, v) -> out.put(k.substring(t.tableKey().length() + 1), v));
        return out;
    }
}
