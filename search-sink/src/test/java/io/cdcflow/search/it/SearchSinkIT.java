package io.cdcflow.search.it;

import io.cdcflow.testkit.TcpProxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.SourceInfo;
import io.cdcflow.search.index.IndexMappings;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink against the real Kafka and OpenSearch of the local stack: each test produces change envelopes to a
 * topic of its own ({@code validated.<run><n>.public.<table>}) and asserts the documents OpenSearch then holds.
 */
@QuarkusTest
@QuarkusTestResource(value = SearchSinkStackResource.class, restrictToAnnotatedClass = true)
class SearchSinkIT {

    private static final AtomicInteger SOURCES = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final long TS = 1_735_689_600_000L;

    private static TestKafka kafka;
    private static DeadLetters dlq;

    @Inject
    MeterRegistry meters;

    @Inject
    io.cdcflow.search.write.OpenSearchIndices indices;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @BeforeAll
    static void clients() {
        kafka = TestKafka.of(SearchSinkStackResource.endpoints);
        dlq = new DeadLetters(kafka);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    /** One table of one test: its source name, topic and index. */
    record Table(String source, String name) {
        String topic() {
            return "validated." + source + ".public." + name;
        }

        String index() {
            return SearchSinkStackResource.PREFIX + "-" + source + ".public." + name;
        }

        String alias() {
            return index() + "-live";
        }

        String qualified() {
            return source + ".public." + name;
        }
    }

    private static Table table(String name) {
        return new Table(SearchSinkStackResource.RUN + SOURCES.incrementAndGet(), name);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void insertUpdateDeleteArriveAndOnlyLiveRowsAreSearchable() {
        Table t = table("customers");
        send(t, Op.CREATE, 100, row("id", 1, "name", "Ada", "price", new BigDecimal("12.50")));
        send(t, Op.CREATE, 110, row("id", 2, "name", "Bob", "price", new BigDecimal("3.10")));
        send(t, Op.UPDATE, 120, row("id", 1, "name", "Ada L.", "price", new BigDecimal("13.00")));
        send(t, Op.DELETE, 130, row("id", 2, "name", "Bob", "price", new BigDecimal("3.10")));
        awaitConsumed(t);

        JsonNode ada = doc(t, "1");
        assertThat(ada.path("_source").path("_cdc_pos").asText()).isEqualTo(new Position(120).sortKey());
        assertThat(ada.path("_source").path("name").asText()).isEqualTo("Ada L.");
        // Without a registered schema a decimal is a JSON number, which the write script holds as a double.
        assertThat(ada.path("_source").path("price").decimalValue()).isEqualByComparingTo("13.00");
        assertThat(ada.path("_source").path("_cdc_deleted").asBoolean()).isFalse();
        JsonNode bob = doc(t, "2");
        assertThat(bob.path("_source").path("_cdc_pos").asText()).isEqualTo(new Position(130).sortKey());
        assertThat(bob.path("_source").path("_cdc_deleted").asBoolean()).isTrue();
        assertThat(bob.path("_source").has("name")).isFalse();
        assertThat(liveIds(t)).containsExactly("1");
        // Changes superseded within one batch by a newer change of the same row count as superseded.
        double applied = meters.get("cdc.sink.applied").tag("table", t.qualified()).counter().count();
        double skipped = skipped(t);
        assertThat(applied).isGreaterThanOrEqualTo(2.0);
        assertThat(applied + skipped).isEqualTo(4.0);
        assertThat(meters.get("cdc.sink.lag").tag("sink", SearchSinkStackResource.SINK).tag("table", t.qualified()).timer()
                .count()).isEqualTo((long) applied);
    }

    @Test
    void replayingTheTopicTwiceLeavesTheIndexAsOnePassDid() {
        Table t = table("orders");
        List<ChangeEvent> events = history(t.source(), "orders", 20, new Random(7));
        events.forEach(e -> send(t, e, null));
        awaitConsumed(t);
        Map<String, String> once = snapshot(t);
        assertThat(once).hasSize(20);

        events.forEach(e -> send(t, e, null));
        events.forEach(e -> send(t, e, null));
        awaitConsumed(t);
        assertThat(snapshot(t)).isEqualTo(once);
        assertThat(skipped(t)).isGreaterThanOrEqualTo(2.0 * events.size());
    }

    @Test
    void shuffledAndDuplicatedEventsEndAsInOrder() {
        Table ordered = table("items");
        Table shuffled = table("items");
        List<ChangeEvent> inOrder = history(ordered.source(), "items", 15, new Random(11));
        List<ChangeEvent> mixed = new ArrayList<>(history(shuffled.source(), "items", 15, new Random(11)));
        Random r = new Random(3);
        for (int i = 0; i < 20; i++) {
            mixed.add(mixed.get(r.nextInt(mixed.size())));
        }
        Collections.shuffle(mixed, r);
        inOrder.forEach(e -> send(ordered, e, null));
        mixed.forEach(e -> send(shuffled, e, null));
        awaitConsumed(ordered);
        awaitConsumed(shuffled);
        assertThat(snapshot(shuffled)).isEqualTo(snapshot(ordered)).isNotEmpty();
    }

    @Test
    void aDeleteThenALateOlderInsertStaysDeletedEvenAfterGcDeletes() throws Exception {
        Table t = table("accounts");
        send(t, Op.CREATE, 100, row("id", 1, "owner", "Ada"));
        send(t, Op.DELETE, 200, row("id", 1, "owner", "Ada"));
        awaitConsumed(t);
        // A real versioned delete would be forgotten after gc_deletes; a tombstone document is not.
        http("PUT", "/" + t.index() + "/_settings", "{\"index\":{\"gc_deletes\":\"0s\"}}");
        Thread.sleep(1000);
        send(t, Op.CREATE, 150, row("id", 1, "owner", "Ada (late)"));
        send(t, Op.UPDATE, 199, row("id", 1, "owner", "Ada (late update)"));
        awaitConsumed(t);
        JsonNode d = doc(t, "1");
        assertThat(d.path("_source").path("_cdc_pos").asText()).isEqualTo(new Position(200).sortKey());
        assertThat(d.path("_source").path("_cdc_deleted").asBoolean()).isTrue();
        assertThat(liveIds(t)).isEmpty();
    }

    @Test
    void aRepairInANewGenerationOverridesNewerOldPositionsAndItsSweepRemovesWhatItDidNotRead() {
        Table t = table("repairs");
        send(t, Op.CREATE, 900, row("id", 1, "v", "stale"));
        send(t, Op.CREATE, 901, row("id", 2, "v", "deleted at the source meanwhile"));
        awaitConsumed(t);
        send(t, io.cdcflow.sink.Events.snapshotRead(t.source(), t.name(), 1, row("id", 1, "v", "repaired")), null);
        kafka.send(new ProducerRecord<>(t.topic(), 0, null,
                ChangeEventSerde.writeValue(io.cdcflow.sink.Events.sweep(t.source(), t.name(), 1))));
        send(t, Op.UPDATE, 5_000, row("id", 1, "v", "late, old generation"));
        send(t, io.cdcflow.sink.Events.withSource(event(t.source(), t.name(), Op.CREATE, 10, row("id", 3, "v", "new")),
                "cdc_generation", 1), null);
        awaitConsumed(t);

        assertThat(doc(t, "1").path("_source").path("v").asText()).isEqualTo("repaired");
        assertThat(doc(t, "1").path("_source").path("_cdc_pos").asText()).isEqualTo(Position.snapshot(1).sortKey());
        assertThat(doc(t, "2").path("_source").path("_cdc_pos").asText()).isEqualTo(Position.floor(1).sortKey());
        assertThat(liveIds(t)).containsExactlyInAnyOrder("1", "3");
    }

    @Test
    void aTableNameOfAnyCharactersGetsItsIndexAndTheSinkGoesOn() {
        // Characters an index name may hold but a request line may not carry as they are: the sink once stopped here.
        Table t = table("oddnames");
        String odd = "Mixed_Case_ünïcødé_`t`_'q'";
        send(t, event(t.source(), odd, Op.CREATE, 100, row("id", 1, "name", "Ada")), null);
        Table after = table("after_odd");
        send(after, Op.CREATE, 100, row("id", 7, "name", "next"));
        awaitConsumed(t);
        awaitConsumed(after);

        String index = new io.cdcflow.search.index.IndexNames(SearchSinkStackResource.PREFIX, Map.of(), "-live")
                .indexFor(new io.cdcflow.model.TableRef(t.source(), "public", odd));
        JsonNode doc = http("GET", "/" + io.cdcflow.search.write.OpenSearchIndices.encodePath(index) + "/_doc/1", null);
        assertThat(doc.path("_source").path("name").asText()).as(doc.toString()).isEqualTo("Ada");
        assertThat(doc(after, "7").path("_source").path("name").asText()).isEqualTo("next");
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithItsReasonAndLaterEventsStillFlow() {
        Table t = table("payments");
        Map<TopicPartition, Long> dlqStart = dlq.mark();
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        kafka.send(new ProducerRecord<>(t.topic(), key(1), garbage));
        ObjectNode unknownOp = ChangeEventSerde.toJson(event(t.source(), t.name(), Op.CREATE, 50, row("id", 3)));
        unknownOp.put("op", "x");
        kafka.send(new ProducerRecord<>(t.topic(), key(3), unknownOp.toString().getBytes(StandardCharsets.UTF_8)));
        send(t, Op.CREATE, 100, row("id", 2, "amount", 5));
        awaitConsumed(t);
        assertThat(doc(t, "2").path("found").asBoolean()).isTrue();

        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(dlqStart, t.topic(), 2);
        Map<String, ConsumerRecord<byte[], byte[]>> byReason = dead.stream()
                .collect(Collectors.toMap(r -> header(r, "cdc.dlq.reason"), r -> r));
        assertThat(byReason).containsOnlyKeys("unparseable_json", "unknown_op");
        ConsumerRecord<byte[], byte[]> g = byReason.get("unparseable_json");
        assertThat(g.value()).isEqualTo(garbage);
        assertThat(g.key()).isEqualTo(key(1));
        assertThat(header(g, "cdc.dlq.service")).isEqualTo(SearchSinkStackResource.SINK);
        assertThat(header(g, "cdc.dlq.offset")).matches("\\d+");
        assertThat(meters.get("cdc.sink.dead.lettered").tag("reason", "unknown_op").counter().count())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void aDocumentOpenSearchRefusesIsDeadLetteredAndTheRestOfTheBatchApplies() {
        Table t = table("stock");
        Map<TopicPartition, Long> dlqStart = dlq.mark();
        send(t, Op.CREATE, 100, row("id", 1, "qty", 5));
        awaitConsumed(t);
        send(t, Op.CREATE, 110, row("id", 2, "qty", "not a number"));
        send(t, Op.CREATE, 120, row("id", 3, "qty", 7));
        awaitConsumed(t);
        assertThat(doc(t, "2").path("found").asBoolean()).isFalse();
        assertThat(doc(t, "3").path("_source").path("qty").asInt()).isEqualTo(7);
        ConsumerRecord<byte[], byte[]> dead = deadLetters(dlqStart, t.topic(), 1).getFirst();
        assertThat(header(dead, "cdc.dlq.reason")).isEqualTo("rejected_by_store");
        assertThat(header(dead, "cdc.dlq.message")).contains("qty");
        assertThat(ChangeEventSerde.readKey(dead.key()).asString()).isEqualTo("2");
    }

    @Test
    void aNewColumnInLaterEventsIsAdded() {
        Table t = table("people");
        send(t, Op.CREATE, 100, row("id", 1, "name", "Ada"));
        awaitConsumed(t);
        send(t, Op.CREATE, 110, row("id", 2, "name", "Bob", "email", "bob@example.org"));
        awaitConsumed(t);
        assertThat(doc(t, "2").path("_source").path("email").asText()).isEqualTo("bob@example.org");
        assertThat(mapping(t).path("email").path("type").asText()).isEqualTo("text");
    }

    @Test
    void theRegisteredSchemaDrivesTheMappingAndANewSchemaAddsItsColumns() {
        Table t = table("invoices");
        String subject = t.source() + ".public." + t.name() + "-value";
        int v1 = SearchSinkStackResource.register(subject, envelopeSchema("""
                "id":{"type":"integer","connect.type":"int32"},
                "total":{"type":"number","connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                         "connect.parameters":{"scale":"2","connect.decimal.precision":"10"}},
                "issued":{"type":"integer","connect.type":"int32","connect.name":"io.debezium.time.Date"},
                "paid_at":{"type":["integer","null"],"connect.type":"int64","connect.name":"io.debezium.time.MicroTimestamp"},
                "code":{"type":"string","connect.type":"string","connect.name":"io.debezium.data.Uuid"}"""));
        int v2 = SearchSinkStackResource.register(subject, envelopeSchema("""
                "id":{"type":"integer","connect.type":"int32"},
                "total":{"type":"number","connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                         "connect.parameters":{"scale":"2","connect.decimal.precision":"10"}},
                "issued":{"type":"integer","connect.type":"int32","connect.name":"io.debezium.time.Date"},
                "paid_at":{"type":["integer","null"],"connect.type":"int64","connect.name":"io.debezium.time.MicroTimestamp"},
                "code":{"type":"string","connect.type":"string","connect.name":"io.debezium.data.Uuid"},
                "due":{"type":["integer","null"],"connect.type":"int32","connect.name":"io.debezium.time.Date"}"""));
        send(t, event(t.source(), t.name(), Op.CREATE, 100, row("id", 1, "total", new BigDecimal("99.95"),
                "issued", 19723, "paid_at", 1_704_103_200_123_456L, "code", "0f8fad5b-d9cb-469f-a165-70867728950e")),
                v1);
        awaitConsumed(t);
        JsonNode m = mapping(t);
        // The stack's OpenSearch (integ-test-zip) has no mapper-extras module, hence no scaled_float.
        boolean extras = http("GET", "/_nodes?filter_path=nodes.*.modules.name", null).toString()
                .contains("\"mapper-extras\"");
        assertThat(m.path("total").path("type").asText()).isEqualTo(extras ? "scaled_float" : "double");
        assertThat(m.path("issued").path("type").asText()).isEqualTo("date");
        assertThat(m.path("paid_at").path("type").asText()).isEqualTo("date");
        assertThat(m.path("code").path("type").asText()).isEqualTo("keyword");
        JsonNode one = doc(t, "1").path("_source");
        assertThat(one.path("issued").asText()).isEqualTo("2024-01-01");
        assertThat(one.path("paid_at").asText()).isEqualTo("2024-01-01T10:00:00.123456Z");
        // A registered Decimal keeps its exact digits, as a string the numeric mapping parses.
        assertThat(one.path("total").toString()).isEqualTo("\"99.95\"");
        assertThat(searchCount(t, "{\"range\":{\"issued\":{\"gte\":\"2023-12-31\",\"lte\":\"2024-01-02\"}}}"))
                .isEqualTo(1);

        send(t, event(t.source(), t.name(), Op.CREATE, 110, row("id", 2, "total", new BigDecimal("1.00"),
                "issued", 19724, "paid_at", null, "code", "7c9e6679-7425-40de-944b-e07fc1f90ae7", "due", 19754)), v2);
        awaitConsumed(t);
        assertThat(mapping(t).path("due").path("type").asText()).isEqualTo("date");
        assertThat(doc(t, "2").path("_source").path("due").asText()).isEqualTo("2024-02-01");
    }

    /**
     * A column whose type changes in a way its field cannot follow (long to text, and back): the table moves to a new
     * index version, reindexed, and both names move in one step. A search through either name, run all along, never
     * finds no index nor fewer documents; nothing is dead-lettered; late events of the older schema still apply.
     */
    @Test
    void anIncompatibleTypeChangeMovesTheTableToANewIndexVersionWithoutASearchEverSeeingNone() throws Exception {
        Table t = table("recoded");
        String base = t.source() + ".public." + t.name();
        String columns = """
                "id":{"type":"integer","connect.type":"int32"},
                "code":{"type":%s,"connect.type":"%s"}""";
        // Three subjects: the registry's BACKWARD level refuses long -> string as one subject's next version (the
        // router's new-version policy registers it with compatibility relaxed for that step).
        int v1 = SearchSinkStackResource.register(base + "-value", envelopeSchema(columns.formatted("\"integer\"", "int64")));
        int v2 = SearchSinkStackResource.register(base + "-v2-value", envelopeSchema(columns.formatted("\"string\"", "string")));
        // (v3 also adds a column: the registry gives an identical schema the id it already has.)
        int v3 = SearchSinkStackResource.register(base + "-v3-value", envelopeSchema(columns.formatted("\"integer\"", "int64")
                + ",\"note\":{\"type\":[\"string\",\"null\"],\"connect.type\":\"string\"}"));
        send(t, event(t.source(), t.name(), Op.CREATE, 100, row("id", 1, "code", 5)), v1);
        send(t, event(t.source(), t.name(), Op.CREATE, 101, row("id", 2, "code", 6)), v1);
        awaitConsumed(t);
        assertThat(mapping(t).path("code").path("type").asText()).isEqualTo("long");
        double deadBefore = meters.find("cdc.sink.dead.lettered").counters().stream().mapToDouble(c -> c.count()).sum();

        http("POST", "/" + t.index() + "/_refresh", null); // both rows searchable before the searches start
        IndexNamesWatch watch = IndexNamesWatch.start(SearchSinkStackResource.endpoints.openSearchUrl(),
                Map.of(t.index(), 2L, t.alias(), 2L));
        try {
            send(t, event(t.source(), t.name(), Op.UPDATE, 110, row("id", 1, "code", "A-1")), v2);
            send(t, event(t.source(), t.name(), Op.CREATE, 111, row("id", 3, "code", "B-2")), v2);
            send(t, event(t.source(), t.name(), Op.UPDATE, 102, row("id", 2, "code", 7)), v1); // late, from before the DDL
            awaitConsumed(t);
            assertThat(http("GET", "/_alias/" + t.index(), null).fieldNames().next()).isEqualTo(t.index() + "-v2");
            assertThat(mapping(t).path("code").path("type").asText()).isEqualTo("text");
            // And back to a number: a second move, from a versioned index; 'A-1' stays in _source.
            send(t, event(t.source(), t.name(), Op.UPDATE, 120, row("id", 2, "code", 8)), v3);
            awaitConsumed(t);
        } finally {
            watch.close();
        }
        assertThat(watch.problems()).as("the names during both moves (%d polls)", watch.polls()).isEmpty();
        assertThat(watch.searchesCutShort()).as("searches failed during moves between versions").isEmpty();
        assertThat(watch.polls()).isPositive();
        assertThat(indicesBehind(t.index())).containsExactly(t.index() + "-v3");
        assertThat(indicesBehind(t.alias())).containsExactly(t.index() + "-v3");
        assertThat(http("GET", "/" + t.index() + "-v2", null).path("status").asInt())
                .as("the version no name points at is deleted").isEqualTo(404);
        assertThat(mapping(t).path("code").path("type").asText()).isEqualTo("long");
        assertThat(doc(t, "1").path("_source").path("code").asText()).isEqualTo("A-1");
        assertThat(doc(t, "2").path("_source").path("code").asText()).isEqualTo("8");
        assertThat(doc(t, "3").path("_source").path("code").asText()).isEqualTo("B-2");
        assertThat(liveIds(t)).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(meters.find("cdc.sink.dead.lettered").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("dead letters").isEqualTo(deadBefore);
        assertThat(meters.find("cdc.search.index.migrations").tag("index", t.index()).counter().count()).isEqualTo(2.0);

        // As after a restart: the sink adopts the version behind the name (its live alias goes on that index), and
        // a late event of the older schema v2 does not move the table back: v3 is recorded in the version's _meta.
        indices.forget(t.index());
        send(t, event(t.source(), t.name(), Op.UPDATE, 125, row("id", 1, "code", "C-3")), v2);
        send(t, event(t.source(), t.name(), Op.UPDATE, 130, row("id", 3, "code", 9)), v3);
        awaitConsumed(t);
        assertThat(doc(t, "3").path("_source").path("code").asText()).isEqualTo("9");
        assertThat(doc(t, "1").path("_source").path("code").asText()).isEqualTo("C-3");
        assertThat(liveIds(t)).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(indicesBehind(t.index())).containsExactly(t.index() + "-v3");
        assertThat(meters.find("cdc.search.index.migrations").tag("index", t.index()).counter().count()).isEqualTo(2.0);
        assertThat(meters.find("cdc.sink.dead.lettered").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("dead letters").isEqualTo(deadBefore);
    }

    /**
     * A table whose index an earlier release created under the table's own name (no version, no read alias) moves
     * too, on its first incompatible change ({@code code} from an integer to a string): the sink creates
     * {@code <name>-v2}, copies the index, and one request points the name and the live alias at the new version and
     * removes the old index, which held the name. Searches through both names see every row all along and, after,
     * each row with its latest value; nothing is dead-lettered.
     */
    @Test
    void anIndexOfTheFirstLayoutNamedLikeTheTableMovesToAVersionOnItsFirstIncompatibleChange() throws Exception {
        Table t = table("legacy");
        String base = t.source() + ".public." + t.name();
        String columns = """
                "id":{"type":"integer","connect.type":"int32"},
                "code":{"type":%s,"connect.type":"%s"}""";
        int v1 = SearchSinkStackResource.register(base + "-value", envelopeSchema(columns.formatted("\"integer\"", "int32")));
        // (v2 adds a column: the registry gives a schema identical to another test's the id it already has, older.)
        int v2 = SearchSinkStackResource.register(base + "-v2-value", envelopeSchema(columns.formatted("\"string\"", "string")
                + ",\"origin\":{\"type\":[\"string\",\"null\"],\"connect.type\":\"string\"}"));
        assertThat(v2).as("a newer schema has a higher id").isGreaterThan(v1);
        // The index as an earlier release created it: named like the table, with the live alias on it.
        ObjectNode columnMappings = Json.mapper().createObjectNode();
        columnMappings.putObject("id").put("type", "long");
        columnMappings.putObject("code").put("type", "long");
        JsonNode created = http("PUT", "/" + t.index(), IndexMappings.createIndexBody(1, 0, t.alias(), columnMappings)
                .toString());
        assertThat(created.path("acknowledged").asBoolean()).as("%s", created).isTrue();
        send(t, event(t.source(), t.name(), Op.CREATE, 100, row("id", 1, "code", 1)), v1);
        send(t, event(t.source(), t.name(), Op.CREATE, 101, row("id", 2, "code", 2)), v1);
        send(t, event(t.source(), t.name(), Op.CREATE, 102, row("id", 3, "code", 3)), v1);
        send(t, event(t.source(), t.name(), Op.DELETE, 103, row("id", 3, "code", 3)), v1);
        awaitConsumed(t);
        assertThat(indicesBehind(t.index())).as("still the first layout").containsExactly(t.index());
        assertThat(http("GET", "/_alias/" + t.index(), null).path("status").asInt()).isEqualTo(404);
        Map<TopicPartition, Long> dlqStart = dlq.mark();
        double deadBefore = meters.find("cdc.sink.dead.lettered").counters().stream().mapToDouble(c -> c.count()).sum();

        http("POST", "/" + t.index() + "/_refresh", null);
        IndexNamesWatch watch = IndexNamesWatch.start(SearchSinkStackResource.endpoints.openSearchUrl(),
                Map.of(t.index(), 3L, t.alias(), 2L));
        try {
            send(t, event(t.source(), t.name(), Op.UPDATE, 110, row("id", 1, "code", "A-1")), v2);
            send(t, event(t.source(), t.name(), Op.CREATE, 111, row("id", 4, "code", "B-2")), v2);
            send(t, event(t.source(), t.name(), Op.UPDATE, 104, row("id", 2, "code", 7)), v1); // late, from before the DDL
            awaitConsumed(t);
        } finally {
            watch.close();
        }
        assertThat(watch.problems()).as("the names during the move (%d polls)", watch.polls()).isEmpty();
        assertThat(watch.polls()).isPositive();
        // The swap deletes the index that held the name: while the node closes its shards, searches that resolved
        // the name to it fail, for a moment.
        assertThat(watch.cutShortSpan()).as("%s", watch.searchesCutShort()).isLessThan(Duration.ofSeconds(1));
        assertThat(indicesBehind(t.index())).containsExactly(t.index() + "-v2");
        assertThat(indicesBehind(t.alias())).containsExactly(t.index() + "-v2");
        assertThat(http("GET", "/_alias/" + t.index(), null).has(t.index() + "-v2"))
                .as("the name is an alias now: the index that held it is gone").isTrue();
        assertThat(mapping(t).path("code").path("type").asText()).isEqualTo("text");

        http("POST", "/" + t.index() + "/_refresh", null);
        Map<String, JsonNode> all = sources(t.index());
        assertThat(all).containsOnlyKeys("1", "2", "3", "4");
        assertThat(all.get("1").path("code").asText()).isEqualTo("A-1");
        assertThat(all.get("2").path("code").asText()).isEqualTo("7");
        assertThat(all.get("3").path("_cdc_deleted").asBoolean()).as("the tombstone was copied").isTrue();
        assertThat(all.get("4").path("code").asText()).isEqualTo("B-2");
        Map<String, JsonNode> live = sources(t.alias());
        assertThat(live).containsOnlyKeys("1", "2", "4");
        assertThat(live.get("1").path("code").asText()).isEqualTo("A-1");
        assertThat(live.get("2").path("code").asText()).isEqualTo("7");
        assertThat(live.get("4").path("code").asText()).isEqualTo("B-2");
        assertThat(searchCount(t, "{\"term\":{\"code.keyword\":\"A-1\"}}")).as("code is searched as text").isEqualTo(1);

        assertThat(deadLettersSince(dlqStart, t.topic())).as("dead letters of the table").isEmpty();
        assertThat(meters.find("cdc.sink.dead.lettered").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("dead letters").isEqualTo(deadBefore);
        assertThat(meters.find("cdc.search.index.migrations").tag("index", t.index()).counter().count()).isEqualTo(1.0);
    }

    @Test
    void aTruncateTombstonesTheRowsBeforeItAndNotThoseAfter() {
        Table t = table("carts");
        send(t, Op.CREATE, 100, row("id", 1, "n", 1));
        send(t, Op.CREATE, 110, row("id", 2, "n", 2));
        awaitConsumed(t);
        ChangeEvent truncate = event(t.source(), t.name(), Op.TRUNCATE, 120, null);
        kafka.send(new ProducerRecord<>(t.topic(), 0, null, ChangeEventSerde.writeValue(truncate)));
        awaitConsumed(t);
        send(t, Op.CREATE, 130, row("id", 3, "n", 3));
        send(t, Op.CREATE, 115, row("id", 1, "n", 1));
        awaitConsumed(t);
        assertThat(doc(t, "1").path("_source").path("_cdc_pos").asText()).isEqualTo(new Position(120).sortKey());
        assertThat(doc(t, "2").path("_source").path("_cdc_op").asText()).isEqualTo("t");
        assertThat(liveIds(t)).containsExactly("3");
    }

    @Test
    void whileOpenSearchIsAwayNothingIsCommittedNorLostAndReadinessIsDown() throws Exception {
        Table t = table("shipments");
        send(t, Op.CREATE, 100, row("id", 1, "state", "new"));
        awaitConsumed(t);
        double errorsBefore = errors();
        assertThat(status(readiness)).isEqualTo(200);
        TcpProxy relay = SearchSinkStackResource.openSearchRelay;
        relay.down();
        try {
            send(t, Op.CREATE, 110, row("id", 2, "state", "new"));
            send(t, Op.UPDATE, 120, row("id", 1, "state", "shipped"));
            await().atMost(DEADLINE).until(() -> errors() > errorsBefore);
            assertThat(status(readiness)).isEqualTo(503);
            Thread.sleep(2000);
            assertThat(committedTotal(t)).isLessThan(endTotal(t));
        } finally {
            relay.up();
        }
        awaitConsumed(t);
        assertThat(doc(t, "1").path("_source").path("state").asText()).isEqualTo("shipped");
        assertThat(doc(t, "2").path("found").asBoolean()).isTrue();
        assertThat(liveIds(t)).containsExactly("1", "2");
        await().atMost(DEADLINE).until(() -> status(readiness) == 200);
    }

    private double errors() {
        return meters.find("cdc.sink.errors").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static int status(URL url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url.toURI()).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The table's changes not written: stale, or superseded by a newer one of their row in the same batch. */
    private double skipped(Table t) {
        double total = 0;
        for (String name : List.of("cdc.sink.skipped.stale", "cdc.sink.superseded")) {
            total += meters.find(name).tag("table", t.qualified()).counters().stream().mapToDouble(c -> c.count()).sum();
        }
        return total;
    }

    private static long endTotal(Table t) {
        return kafka.endOffsets(t.topic()).values().stream().mapToLong(Long::longValue).sum();
    }

    private static long committedTotal(Table t) {
        return kafka.committedOffsets(SearchSinkStackResource.GROUP).entrySet().stream()
                .filter(e -> e.getKey().topic().equals(t.topic())).mapToLong(Map.Entry::getValue).sum();
    }

    // ---------------------------------------------------------------- producing

    private static ObjectNode row(Object... namesAndValues) {
        ObjectNode row = Json.mapper().createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.set((String) namesAndValues[i], Json.mapper().valueToTree(namesAndValues[i + 1]));
        }
        return row;
    }

    private static ChangeEvent event(String source, String table, Op op, long lsn, ObjectNode row) {
        SourceInfo s = SourceInfo.empty().with("connector", "postgresql").with("name", source)
                .with("db", "inventory").with("schema", "public").with("table", table)
                .with("ts_ms", TS).with("snapshot", "false").with("lsn", lsn);
        return new ChangeEvent(op == Op.DELETE ? row : null, op.writesRow() ? row : null, op, TS, s, null);
    }

    /** Creates, updates and deletes of {@code rows} rows with increasing LSNs, the same for a given seed. */
    private static List<ChangeEvent> history(String source, String table, int rows, Random r) {
        List<ChangeEvent> out = new ArrayList<>();
        long lsn = 1000;
        Map<Integer, ObjectNode> live = new TreeMap<>();
        for (int step = 0; step < rows * 4; step++) {
            int id = 1 + r.nextInt(rows);
            lsn += 1 + r.nextInt(50);
            ObjectNode current = live.get(id);
            if (current == null) {
                ObjectNode row = row("id", id, "name", "row " + id, "qty", r.nextInt(100));
                live.put(id, row);
                out.add(event(source, table, Op.CREATE, lsn, row));
            } else if (r.nextInt(4) == 0) {
                live.remove(id);
                out.add(event(source, table, Op.DELETE, lsn, current));
            } else {
                ObjectNode row = row("id", id, "name", "row " + id + " v" + step, "qty", r.nextInt(100));
                live.put(id, row);
                out.add(event(source, table, Op.UPDATE, lsn, row));
            }
        }
        return out;
    }

    private static byte[] key(int id) {
        return ChangeEventSerde.writeKey(new RowKey(row("id", id)));
    }

    private static void send(Table t, Op op, long lsn, ObjectNode row) {
        send(t, event(t.source(), t.name(), op, lsn, row), null);
    }

    private static void send(Table t, ChangeEvent e, Integer schemaId) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(t.topic(),
                ChangeEventSerde.writeKey(new RowKey(row("id", e.row().get("id")))), ChangeEventSerde.writeValue(e));
        if (schemaId != null) {
            record.headers().add("cdc.schema.id", schemaId.toString().getBytes(StandardCharsets.UTF_8));
        }
        kafka.send(record);
    }

    private static String envelopeSchema(String columns) {
        return """
                {"type":"object","properties":{"before":{},"after":{},"op":{"type":"string"}},
                 "definitions":{"Value":{"type":"object","additionalProperties":false,"properties":{%s}}}}""".formatted(columns);
    }

    // ---------------------------------------------------------------- Kafka state

    /** Waits until the sink's group has committed every record of the table's topic. */
    private static void awaitConsumed(Table t) {
        kafka.awaitConsumed(SearchSinkStackResource.GROUP, t.topic(), DEADLINE);
    }

    /** The dead letters this test caused: those of this sink naming its topic, written after {@code start}. */
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(Map<TopicPartition, Long> start, String topic,
                                                                  int expected) {
        return dlq.await(start, DeadLetters.from(topic, SearchSinkStackResource.SINK), expected);
    }

    /** Every dead letter of this sink naming {@code topic} written after {@code start}, up to the end now. */
    private static List<ConsumerRecord<byte[], byte[]>> deadLettersSince(Map<TopicPartition, Long> start, String topic) {
        return dlq.since(start, DeadLetters.from(topic, SearchSinkStackResource.SINK));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return TestKafka.header(r, name);
    }

    // ---------------------------------------------------------------- OpenSearch state

    private static JsonNode http(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SearchSinkStackResource.endpoints.openSearchUrl()
                + path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode doc(Table t, String id) {
        return http("GET", "/" + t.index() + "/_doc/" + id, null);
    }

    /** The mapping behind the table's name (the index itself, or the version its alias points at). */
    private static JsonNode mapping(Table t) {
        JsonNode answer = http("GET", "/" + t.index() + "/_mapping", null);
        return answer.size() == 1 ? answer.elements().next().path("mappings").path("properties")
                : answer.path(t.index()).path("mappings").path("properties");
    }

    /** The indices a name resolves to: the index of that name, or those its alias points at. */
    private static List<String> indicesBehind(String name) {
        JsonNode answer = http("GET", "/" + name + "/_alias", null);
        List<String> out = new ArrayList<>();
        if (!answer.has("error")) {
            answer.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    /** Every document a search through {@code name} finds: id to source. */
    private static Map<String, JsonNode> sources(String name) {
        Map<String, JsonNode> out = new TreeMap<>();
        http("POST", "/" + name + "/_search", "{\"size\":1000,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits").forEach(h -> out.put(h.path("_id").asText(), h.path("_source")));
        return out;
    }

    private static List<String> liveIds(Table t) {
        http("POST", "/" + t.index() + "/_refresh", null);
        List<String> ids = new ArrayList<>();
        http("POST", "/" + t.alias() + "/_search", "{\"size\":1000,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
        Collections.sort(ids);
        return ids;
    }

    private static long searchCount(Table t, String query) {
        http("POST", "/" + t.index() + "/_refresh", null);
        return http("POST", "/" + t.alias() + "/_count", "{\"query\":" + query + "}").path("count").asLong();
    }

    /** Every document of the index (tombstones included): id to source (which holds the position). */
    private static Map<String, String> snapshot(Table t) {
        http("POST", "/" + t.index() + "/_refresh", null);
        Map<String, String> out = new TreeMap<>();
        http("POST", "/" + t.index() + "/_search", "{\"size\":1000,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits").forEach(h -> out.put(h.path("_id").asText(),
                        h.path("_source").toString()));
        return out;
    }
}
