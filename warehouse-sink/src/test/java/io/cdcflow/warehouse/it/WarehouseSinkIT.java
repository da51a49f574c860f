package io.cdcflow.warehouse.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.model.WireFormat;
import io.cdcflow.registryclient.AvroJson;
import io.cdcflow.model.Position;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.cdcflow.warehouse.TestEvents.event;
import static io.cdcflow.warehouse.TestEvents.key;
import static io.cdcflow.warehouse.TestEvents.row;
import static io.cdcflow.warehouse.TestEvents.source;
import static io.cdcflow.warehouse.TestEvents.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink end to end against the real Kafka and the real warehouse PostgreSQL of the stack: the test produces
 * change envelopes (PostgreSQL connector, increasing LSN positions) to its own {@code validated.it<run>.public.*}
 * topics and asserts the rows of the current-state and history tables.
 */
@QuarkusTest
@QuarkusTestResource(value = WarehouseStackResource.class, restrictToAnnotatedClass = true)
class WarehouseSinkIT {

    /** The position's LSN part as a number (positions are stored as sort keys; these tests use generation 0 only). */
    private static final String POS = "split_part(_cdc_position, '.', 2)::bigint";

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final long T0 = 1_735_689_600_000L; // 2025-01-01T00:00:00Z, source commit times count from here

    @ConfigProperty(name = "cdc.it.run")
    String run;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    private TestKafka kafka;
    private ItWarehouse warehouse;

    @BeforeEach
    void connect() throws Exception {
        StackEndpoints stack = Stack.up();
        kafka = TestKafka.of(stack);
        warehouse = new ItWarehouse(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"));
    }

    @AfterEach
    void disconnect() throws Exception {
        kafka.close();
        warehouse.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Waits for the sink: queries may fail until it has created the table. */
    private static org.awaitility.core.ConditionFactory eventually() {
        return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
    }

    private String topic(String table) {
        String t = "validated." + run + ".public." + table;
        // One partition: the records of a test are consumed in the order produced, so a sentinel row produced last
        // proves that everything before it was processed.
        kafka.createTopic(t, 1);
        return t;
    }

    /** The dead letters this sink wrote for records of {@code topic}, from the start of the dead-letter topic. */
    private List<ConsumerRecord<byte[], byte[]>> ourDeadLetters(String topic) {
        return new DeadLetters(kafka).since(Map.of(), DeadLetters.from(topic, WarehouseStackResource.SINK));
    }

    private String current(String table) {
        return "\"" + WarehouseStackResource.SCHEMA_PREFIX + run + "_public\".\"" + table + "\"";
    }

    private String history(String table) {
        return "\"" + WarehouseStackResource.SCHEMA_PREFIX + run + "_public\".\"" + table + "_history\"";
    }

    private ChangeEvent change(String table, Op op, long lsn, ObjectNode before, ObjectNode after) {
        return event(op, source(run, "public", table, lsn, T0 + lsn * 1000), before, after);
    }

    /** One produced record: key columns and event. */
    private record Rec(ObjectNode key, ChangeEvent event) {
    }

    private void send(String topic, Rec r) {
        kafka.send(topic, key(r.key()), value(r.event()), Map.of());
    }

    /** Produces a new row with the highest position and waits until the warehouse has it: all before it is done. */
    private void sentinel(String topic, String table, int id, long lsn) {
        send(topic, new Rec(row("id", id), change(table, Op.CREATE, lsn, null, row("id", id, "name", "sentinel"))));
        eventually().untilAsserted(() ->
                assertThat(warehouse.strings("SELECT id::text FROM " + current(table) + " WHERE id = " + id)).hasSize(1));
    }

    /** Waits until the sink has applied or skipped {@code count} changes of the table in all. */
    private void awaitProcessed(String table, int count) {
        String tag = run + ".public." + table;
        eventually().untilAsserted(() -> assertThat(counter("cdc.sink.applied", "table", tag) + skipped(tag))
                .isGreaterThanOrEqualTo(count));
    }

    private List<String> currentState(String table, String... without) {
        return warehouse.rows(current(table), "id", without);
    }

    private List<String> historyState(String table, String... without) {
        return warehouse.rows(history(table), "id, " + POS, without);
    }

    /** The changes of a table not written: stale, or superseded by a newer one of their row in the same batch. */
    private double skipped(String table) {
        return counter("cdc.sink.skipped.stale", "table", table) + counter("cdc.sink.superseded", "table", table);
    }

    private double counter(String name, String tag, String tagValue) {
        var c = meters.find(name).tag("sink", WarehouseStackResource.SINK).tag(tag, tagValue).counter();
        return c == null ? 0 : c.count();
    }

    /** A history of several keys: inserts, updates, a delete and a re-insert, positions increasing globally. */
    private List<Rec> workload(String table) {
        List<Rec> recs = new ArrayList<>();
        long lsn = 100;
        for (int round = 0; round < 4; round++) {
            for (int id = 1; id <= 5; id++) {
                ObjectNode img = row("id", id, "name", "n" + id + "r" + round, "score", id * 10 + round);
                Op op = round == 0 ? Op.CREATE : Op.UPDATE;
                if (round == 2 && id % 2 == 0) {
                    recs.add(new Rec(row("id", id), change(table, Op.DELETE, lsn++, row("id", id, "name", null, "score", null), null)));
                    continue;
                }
                if (round == 3 && id % 2 == 0) {
                    op = Op.CREATE; // re-inserted after the delete
                }
                recs.add(new Rec(row("id", id), change(table, op, lsn++, null, img)));
            }
        }
        return recs;
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void insertUpdateDeleteArriveInBothTables() {
        String table = "customers";
        String topic = topic(table);
        send(topic, new Rec(row("id", 1), change(table, Op.CREATE, 10, null, row("id", 1, "name", "Ann", "email", "ann@x"))));
        send(topic, new Rec(row("id", 2), change(table, Op.CREATE, 11, null, row("id", 2, "name", "Bob", "email", "bob@x"))));
        send(topic, new Rec(row("id", 1), change(table, Op.UPDATE, 12, row("id", 1, "name", "Ann", "email", "ann@x"),
                row("id", 1, "name", "Anne", "email", "anne@x"))));
        send(topic, new Rec(row("id", 2), change(table, Op.DELETE, 13, row("id", 2, "name", null, "email", null), null)));

        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT concat_ws('|', id, coalesce(name, ''), coalesce(email, ''), " + POS + ", _cdc_deleted, _cdc_op) FROM " + current(table) + " ORDER BY id"))
                .containsExactly("1|Anne|anne@x|12|f|u", "2|||13|t|d"));
        assertThat(warehouse.strings("SELECT concat_ws('|', id, coalesce(name, ''), " + POS + ", _cdc_op, _cdc_deleted,"
                + " _cdc_valid_from = to_timestamp(" + (T0 / 1000) + " + " + POS + "),"
                + " coalesce(extract(epoch from _cdc_valid_to)::bigint - " + (T0 / 1000) + ", -1))"
                + " FROM " + history(table) + " ORDER BY id, " + POS))
                .containsExactly("1|Ann|10|c|f|t|12", "1|Anne|12|u|f|t|-1",
                        "2|Bob|11|c|f|t|13", "2||13|d|t|t|-1");
        assertThat(warehouse.strings("SELECT _cdc_source_ts = to_timestamp(" + (T0 / 1000) + " + 12) FROM "
                + current(table) + " WHERE id = 1")).containsExactly("t");
        // Every change counted; a version superseded by a newer one of its key in the same batch counts apart.
        assertThat(counter("cdc.sink.applied", "table", run + ".public." + table) + skipped(run + ".public." + table))
                .isGreaterThanOrEqualTo(4);
        assertThat(counter("cdc.sink.applied", "table", run + ".public." + table)).isGreaterThanOrEqualTo(2);
        assertThat(meters.find("cdc.sink.lag").tag("sink", WarehouseStackResource.SINK)
                .tag("table", run + ".public." + table).timer()).isNotNull();
    }

    @Test
    void replayingTheTopicTwiceChangesNothing() {
        String table = "replayed";
        String topic = topic(table);
        List<Rec> recs = workload(table);
        recs.forEach(r -> send(topic, r));
        sentinel(topic, table, 900, 10_000);
        List<String> current = currentState(table);
        List<String> history = historyState(table);
        assertThat(current).hasSize(6);
        assertThat(history).hasSize(recs.size() + 1);
        double skippedBefore = skipped(run + ".public." + table);

        for (int pass = 0; pass < 2; pass++) {
            recs.forEach(r -> send(topic, r));
        }
        sentinel(topic, table, 901, 10_001);

        // Exactly the same rows, bookkeeping included (_cdc_applied_at too: nothing was re-applied).
        assertThat(warehouse.rows(current(table), "id").subList(0, 6)).isEqualTo(current);
        assertThat(warehouse.rows(history(table), "id, " + POS).stream()
                .filter(r -> !r.contains("\"id\": 901")).toList()).isEqualTo(history);
        assertThat(skipped(run + ".public." + table) - skippedBefore).isEqualTo(2.0 * recs.size());
    }

    @Test
    void shuffledAndDuplicatedEventsEndLikeInOrder() {
        String inOrder = "ordered";
        String shuffled = "shuffled";
        String topicA = topic(inOrder);
        String topicB = topic(shuffled);
        workload(inOrder).forEach(r -> send(topicA, r));
        sentinel(topicA, inOrder, 900, 10_000);

        List<Rec> mixed = new ArrayList<>(workload(shuffled));
        Random random = new Random(42);
        List<Rec> duplicates = new ArrayList<>();
        for (Rec r : mixed) {
            if (random.nextInt(3) == 0) {
                duplicates.add(r);
            }
        }
        mixed.addAll(duplicates);
        Collections.shuffle(mixed, random);
        // In chunks, each awaited, so that late versions meet the guard in the warehouse, not only the sort of a batch.
        for (int i = 0; i < mixed.size(); i++) {
            send(topicB, mixed.get(i));
            if (i % 3 == 2 || i == mixed.size() - 1) {
                awaitProcessed(shuffled, i + 1);
            }
        }
        sentinel(topicB, shuffled, 900, 10_000);

        assertThat(currentState(shuffled, "_cdc_applied_at")).isEqualTo(currentState(inOrder, "_cdc_applied_at"));
        assertThat(historyState(shuffled, "_cdc_applied_at")).isEqualTo(historyState(inOrder, "_cdc_applied_at"));
        // The state is what the last event of each key says: ids 2 and 4 re-inserted in round 3.
        assertThat(warehouse.strings("SELECT concat_ws('|', id, name, score, _cdc_deleted) FROM " + current(shuffled)
                + " WHERE id < 900 ORDER BY id"))
                .containsExactly("1|n1r3|13|f", "2|n2r3|23|f", "3|n3r3|33|f", "4|n4r3|43|f", "5|n5r3|53|f");
    }

    @Test
    void aDeleteThenALateOlderInsertStaysDeleted() {
        String table = "late";
        String topic = topic(table);
        send(topic, new Rec(row("id", 1), change(table, Op.CREATE, 100, null, row("id", 1, "name", "first"))));
        // Awaited apart: in one batch the insert would not be stale but superseded by the delete.
        awaitProcessed(table, 1);
        send(topic, new Rec(row("id", 1), change(table, Op.DELETE, 300, row("id", 1, "name", "second"), null)));
        awaitProcessed(table, 2);
        send(topic, new Rec(row("id", 1), change(table, Op.UPDATE, 200, null, row("id", 1, "name", "second"))));
        awaitProcessed(table, 3);
        // A delete of a row the warehouse never saw leaves a tombstone too; its older insert stays out.
        send(topic, new Rec(row("id", 2), change(table, Op.DELETE, 400, row("id", 2, "name", null), null)));
        awaitProcessed(table, 4);
        send(topic, new Rec(row("id", 2), change(table, Op.CREATE, 350, null, row("id", 2, "name", "ghost"))));
        sentinel(topic, table, 900, 1_000);
        assertThat(counter("cdc.sink.skipped.stale", "table", run + ".public." + table)).isEqualTo(2);

        assertThat(warehouse.strings("SELECT concat_ws('|', id, coalesce(name, ''), " + POS + ", _cdc_deleted) FROM " + current(table)
                + " WHERE id < 900 ORDER BY id")).containsExactly("1|second|300|t", "2||400|t");
        // History still records the late version, in its place: 100 -> 200 -> 300.
        assertThat(warehouse.strings("SELECT concat_ws('|', " + POS + ", _cdc_op,"
                + " coalesce(extract(epoch from _cdc_valid_to)::bigint - " + (T0 / 1000) + ", -1)) FROM " + history(table)
                + " WHERE id = 1 ORDER BY " + POS)).containsExactly("100|c|200", "200|u|300", "300|d|-1");
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndTheRestFlows() {
        String table = "faulty";
        String topic = topic(table);
        send(topic, new Rec(row("id", 1), change(table, Op.CREATE, 10, null, row("id", 1, "name", "ok", "n", 1))));
        kafka.send(topic, key(row("id", 2)), "{not json".getBytes(StandardCharsets.UTF_8), Map.of());
        // Fits JSON but not the column: 'n' is numeric.
        send(topic, new Rec(row("id", 3), change(table, Op.CREATE, 12, null, row("id", 3, "name", "bad", "n", "abc"))));
        // Passes every check here but PostgreSQL refuses it (NUL in text): the batch is replayed row by row.
        send(topic, new Rec(row("id", 4), change(table, Op.CREATE, 13, null, row("id", 4, "name", "nul\u0000", "n", 4))));
        send(topic, new Rec(row("id", 5), change(table, Op.CREATE, 14, null, row("id", 5, "name", "after", "n", 5))));

        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT concat_ws('|', id, name, n) FROM " + current(table) + " ORDER BY id"))
                .containsExactly("1|ok|1", "5|after|5"));
        eventually().untilAsserted(() -> {
            List<ConsumerRecord<byte[], byte[]>> dead = ourDeadLetters(topic);
            assertThat(dead).extracting(r -> TestKafka.header(r, "cdc.dlq.reason"))
                    .containsExactlyInAnyOrder("unparseable_json", "schema_mismatch", "rejected_by_store");
            ConsumerRecord<byte[], byte[]> json = dead.stream()
                    .filter(r -> "unparseable_json".equals(TestKafka.header(r, "cdc.dlq.reason"))).findFirst().orElseThrow();
            assertThat(new String(json.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(new String(json.key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":2}");
            assertThat(TestKafka.header(json, "cdc.dlq.service")).isEqualTo(WarehouseStackResource.SINK);
            assertThat(TestKafka.header(json, "cdc.dlq.partition")).isEqualTo("0");
            assertThat(TestKafka.header(json, "cdc.dlq.offset")).isEqualTo("1");
            assertThat(TestKafka.header(json, "cdc.dlq.message")).isNotNull();
        });
        assertThat(counter("cdc.sink.dead.lettered", "reason", "rejected_by_store")).isGreaterThanOrEqualTo(1);
    }

    /**
     * Tables and columns named like SQL injections, with quotes, spaces, back-ticks, mixed case and unicode, are
     * applied under exactly their names; names PostgreSQL cannot hold (too long, a control character) are
     * dead-lettered as {@code invalid_identifier}; a canary table the injections name survives; other tables flow.
     */
    @Test
    void hostileTableAndColumnNamesAreQuotedNeverExecuted() {
        String canary = "hard_" + run;
        warehouse.execute("CREATE SCHEMA \"" + canary + "\"");
        try {
            warehouse.execute("CREATE TABLE \"" + canary + "\".victim (id int)");
            warehouse.execute("INSERT INTO \"" + canary + "\".victim VALUES (1)");
            String drop = "DROP TABLE \"" + canary + "\".victim";
            String topic = topic("hostile");
            String injection = "x\"; " + drop + "; --";
            String mixed = "Mixed Case Ünïcødé `t` 'q'";
            String tooLong = "t".repeat(60);
            String control = "bell\u0007";
            ObjectNode image = row("id", 1, "na\"me", "quote", "c'); " + drop + "; --", "inj", "Mixed Case", "mc",
                    "ünï", "uni", "back`tick", "bt", "semi;colon", "sc");
            long lsn = 10;
            for (String table : List.of(injection, mixed, tooLong, control)) {
                send(topic, new Rec(row("id", 1), change(table, Op.CREATE, lsn++, null, image.deepCopy())));
            }
            send(topic, new Rec(row("id", 1), change(injection, Op.UPDATE, lsn++, image.deepCopy(),
                    image.deepCopy().put("na\"me", "quote 2"))));
            sentinel(topic("hostile_ok"), "hostile_ok", 1, lsn++);

            for (String table : List.of(injection, mixed)) {
                String current = quoted(WarehouseStackResource.SCHEMA_PREFIX + run + "_public", table);
                String history = quoted(WarehouseStackResource.SCHEMA_PREFIX + run + "_public", table + "_history");
                eventually().untilAsserted(() -> assertThat(warehouse.strings("SELECT concat_ws('|', id, \"na\"\"me\", "
                        + quoted("c'); " + drop + "; --") + ", \"Mixed Case\", \"ünï\", \"back`tick\", \"semi;colon\")"
                        + " FROM " + current)).containsExactly(table.equals(injection)
                                ? "1|quote 2|inj|mc|uni|bt|sc" : "1|quote|inj|mc|uni|bt|sc"));
                assertThat(warehouse.strings("SELECT count(*) FROM " + history))
                        .containsExactly(table.equals(injection) ? "2" : "1");
            }
            eventually().untilAsserted(() -> assertThat(ourDeadLetters(topic).stream()
                    .map(r -> TestKafka.header(r, "cdc.dlq.reason") + " " + TestKafka.header(r, "cdc.dlq.message")))
                    .hasSize(2)
                    .anySatisfy(d -> assertThat(d).startsWith("invalid_identifier").contains("over the limit"))
                    .anySatisfy(d -> assertThat(d).startsWith("invalid_identifier").contains("control character")));
            assertThat(warehouse.strings("SELECT count(*) FROM \"" + canary + "\".victim")).containsExactly("1");
            assertThat(warehouse.strings("SELECT count(*) FROM pg_tables WHERE schemaname = '"
                    + WarehouseStackResource.SCHEMA_PREFIX + run + "_public' AND tablename ~ '^(t{60}|bell)'"))
                    .containsExactly("0");
        } finally {
            warehouse.execute("DROP SCHEMA \"" + canary + "\" CASCADE");
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String quoted(String schema, String table) {
        return quoted(schema) + "." + quoted(table);
    }

    @Test
    void aNewColumnInLaterEventsIsAddedToBothTables() {
        String table = "evolving";
        String topic = topic(table);
        send(topic, new Rec(row("id", 1), change(table, Op.CREATE, 10, null, row("id", 1, "name", "Ann"))));
        eventually().until(() -> warehouse.exists(current(table)));
        send(topic, new Rec(row("id", 1), change(table, Op.UPDATE, 11, null, row("id", 1, "name", "Ann", "email", "ann@x"))));
        send(topic, new Rec(row("id", 2), change(table, Op.CREATE, 12, null, row("id", 2, "name", "Bob", "email", null))));

        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT concat_ws('|', id, name, coalesce(email, '-')) FROM " + current(table) + " ORDER BY id"))
                .containsExactly("1|Ann|ann@x", "2|Bob|-"));
        assertThat(warehouse.strings("SELECT concat_ws('|', " + POS + ", coalesce(email, '-')) FROM " + history(table)
                + " ORDER BY id, " + POS)).containsExactly("10|-", "11|ann@x", "12|-");
    }

    @Test
    void registeredSchemaGivesExactTypesAndEvolves() {
        String table = "typed";
        String topic = topic(table);
        UUID uid = UUID.fromString("0b7c6a4e-5a57-4c42-9d6f-1f0a9b1c2d3e");
        ObjectNode first = row("id", 1, "price", new java.math.BigDecimal("12345678.90"), "born", 19723,
                "seen", 1_704_067_200_123_456L, "at", "2024-01-01T10:00:00.5+02:00", "doc", "{\"a\": [1, 2]}",
                "uid", uid.toString(), "raw", Base64.getEncoder().encodeToString(new byte[]{1, 2, (byte) 255}),
                "active", true, "qty", 9_007_199_254_740_993L, "ratio", 0.25, "empty_at_first", null);
        first.putArray("tags").add("a").add("b");
        kafka.send(topic, key(row("id", 1)), value(change(table, Op.CREATE, 10, null, first)), Map.of("cdc.schema.id", schemaId(9001)));

        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT count(*)::text FROM " + current(table))).containsExactly("1"));
        assertThat(warehouse.strings("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = '" + current(table).replace("'", "''") + "'::regclass AND attnum > 0"
                + " AND attname NOT LIKE '\\_cdc\\_%' ORDER BY attnum"))
                .containsExactly("id integer", "price numeric(10,2)", "born date", "seen timestamp without time zone",
                        "at timestamp with time zone", "doc jsonb", "uid uuid", "raw bytea", "active boolean",
                        "qty bigint", "ratio double precision", "tags jsonb", "empty_at_first timestamp with time zone");
        assertThat(warehouse.strings("SELECT concat_ws('|', price, born, seen, at AT TIME ZONE 'UTC', doc -> 'a' ->> 1,"
                + " uid, encode(raw, 'hex'), active, qty, ratio, tags ->> 1, coalesce(empty_at_first::text, '-'))"
                + " FROM " + current(table)))
                .containsExactly("12345678.90|2024-01-01|2024-01-01 00:00:00.123456|2024-01-01 08:00:00.5|2|" + uid
                        + "|0102ff|t|9007199254740993|0.25|b|-");

        // A later schema version adds columns: both tables get them, typed, without a restart.
        ObjectNode second = first.deepCopy();
        second.put("note", "hello").put("due", 19724).put("price", new java.math.BigDecimal("0.10"));
        kafka.send(topic, key(row("id", 1)), value(change(table, Op.UPDATE, 11, null, second)), Map.of("cdc.schema.id", schemaId(9002)));
        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT concat_ws('|', price, note, due) FROM " + current(table))).containsExactly("0.10|hello|2024-01-02"));
        assertThat(warehouse.strings("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
                + history(table).replace("'", "''") + "'::regclass AND attname IN ('note', 'due') ORDER BY attname"))
                .containsExactly("date", "text");
        assertThat(warehouse.strings("SELECT concat_ws('|', " + POS + ", price, coalesce(note, '-')) FROM " + history(table)
                + " ORDER BY " + POS)).containsExactly("10|12345678.90|-", "11|0.10|hello");
    }

    @Test
    void valuesInTheConfluentWireFormatAreReadInJsonAndInAvro() throws Exception {
        String table = "framed";
        String topic = topic(table);
        int avroId = Integer.parseInt(schemaId(9005));
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(
                new String(getClass().getResourceAsStream("/registry/9005.avsc").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        ObjectNode one = row("id", 1, "name", "json", "price", new java.math.BigDecimal("10.50"), "seen", 1_704_067_200_123_456L);
        ObjectNode two = row("id", 2, "name", "avro", "price", new java.math.BigDecimal("99999999.99"), "seen", 1_704_067_200_000_001L);
        // JSON framed with a JSON Schema's id (the router's default), then Avro framed with the Avro schema's id.
        kafka.send(topic, key(row("id", 1)), WireFormat.frame(avroId + 1000, value(change(table, Op.CREATE, 10, null, one))),
                Map.of("cdc.schema.id", Integer.toString(avroId)));
        // The key framed too (the router's key-format=framed), Avro under the key schema.
        org.apache.avro.Schema keySchema = new org.apache.avro.Schema.Parser().parse(
                new String(getClass().getResourceAsStream("/registry/9006.avsc").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        byte[] avroKey = WireFormat.frame(Integer.parseInt(schemaId(9006)), AvroJson.encode(keySchema, row("id", 2)));
        byte[] avroValue = AvroJson.encode(avro, io.cdcflow.model.Json.mapper().readTree(value(change(table, Op.CREATE, 11, null, two))));
        kafka.send(topic, avroKey, WireFormat.frame(avroId, avroValue), Map.of("cdc.schema.id", Integer.toString(avroId)));
        ObjectNode twoUpdated = two.deepCopy().put("name", "avro, updated");
        kafka.send(topic, avroKey, WireFormat.frame(avroId, AvroJson.encode(avro, io.cdcflow.model.Json.mapper()
                .readTree(value(change(table, Op.UPDATE, 12, two, twoUpdated))))), Map.of("cdc.schema.id", Integer.toString(avroId)));

        eventually().untilAsserted(() -> assertThat(warehouse.strings("SELECT concat_ws('|', id, name, price, seen, "
                + POS + ") FROM " + current(table) + " ORDER BY id")).containsExactly(
                "1|json|10.50|2024-01-01 00:00:00.123456|10", "2|avro, updated|99999999.99|2024-01-01 00:00:00.000001|12"));
        assertThat(warehouse.strings("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
                + current(table).replace("'", "''") + "'::regclass AND attname = 'price'")).containsExactly("numeric(10,2)");
    }

    @Test
    void aTypeChangeNoColumnCanFollowGetsANewVersionOfTheColumnAndTheOldOneKeepsItsValues() {
        String table = "lossy";
        String topic = topic(table);
        Map<String, String> before = Map.of("cdc.schema.id", schemaId(9003)); // qty int
        Map<String, String> after = Map.of("cdc.schema.id", schemaId(9004)); // qty text
        kafka.send(topic, key(row("id", 1)), value(change(table, Op.CREATE, 10, null, row("id", 1, "qty", 5))), before);
        kafka.send(topic, key(row("id", 2)), value(change(table, Op.CREATE, 11, null, row("id", 2, "qty", 6))), before);
        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT count(*)::text FROM " + current(table))).containsExactly("2"));
        // ALTER COLUMN qty TYPE text: an integer column cannot take 'A-1'.
        kafka.send(topic, key(row("id", 1)), value(change(table, Op.UPDATE, 12, null, row("id", 1, "qty", "A-1"))), after);
        kafka.send(topic, key(row("id", 3)), value(change(table, Op.CREATE, 13, null, row("id", 3, "qty", "B-2"))), after);
        // A change written before the DDL, late: it goes to the column of its schema's type.
        kafka.send(topic, key(row("id", 2)), value(change(table, Op.UPDATE, 14, null, row("id", 2, "qty", 7))), before);

        eventually().untilAsserted(() -> assertThat(warehouse.strings("SELECT concat_ws('|', id, coalesce(qty::text, '-'),"
                + " coalesce(qty__text, '-')) FROM " + current(table) + " ORDER BY id"))
                .containsExactly("1|-|A-1", "2|7|-", "3|-|B-2"));
        assertThat(warehouse.strings("SELECT concat_ws('|', id, " + POS + ", coalesce(qty::text, '-'), coalesce(qty__text, '-'))"
                + " FROM " + history(table) + " ORDER BY id, " + POS))
                .containsExactly("1|10|5|-", "1|12|-|A-1", "2|11|6|-", "2|14|7|-", "3|13|-|B-2");
        assertThat(warehouse.strings("SELECT concat_ws(' ', source_column, warehouse_column, sql_type) FROM"
                + " cdc_sink.column_versions WHERE target_schema = '" + WarehouseStackResource.SCHEMA_PREFIX + run
                + "_public' AND target_table = '" + table + "'")).containsExactly("qty qty__text text");
    }

    @Test
    void aTruncateEndsEveryOlderRowAndKeepsLateOnesOut() {
        String table = "truncated";
        String topic = topic(table);
        send(topic, new Rec(row("id", 1), change(table, Op.CREATE, 10, null, row("id", 1, "name", "a"))));
        send(topic, new Rec(row("id", 2), change(table, Op.CREATE, 11, null, row("id", 2, "name", "b"))));
        awaitProcessed(table, 2);
        kafka.send(topic, null, value(change(table, Op.TRUNCATE, 20, null, null)), Map.of());
        awaitProcessed(table, 3);
        send(topic, new Rec(row("id", 3), change(table, Op.CREATE, 15, null, row("id", 3, "name", "late"))));
        send(topic, new Rec(row("id", 4), change(table, Op.CREATE, 25, null, row("id", 4, "name", "after"))));

        eventually().untilAsserted(() -> assertThat(warehouse.strings(
                "SELECT concat_ws('|', id, name) FROM " + current(table) + " ORDER BY id")).containsExactly("4|after"));
        assertThat(warehouse.strings("SELECT concat_ws('|', id, " + POS + ","
                + " coalesce(extract(epoch from _cdc_valid_to)::bigint - " + (T0 / 1000) + ", -1)) FROM " + history(table)
                + " ORDER BY id")).containsExactly("1|10|20", "2|11|20", "3|15|20", "4|25|-1");
    }

    @Test
    void aRepairInANewGenerationOverridesNewerOldPositionsAndItsSweepRemovesWhatItDidNotRead() {
        String table = "repaired";
        String topic = topic(table);
        send(topic, new Rec(row("id", 1), change(table, Op.CREATE, 900, null, row("id", 1, "name", "stale"))));
        send(topic, new Rec(row("id", 2), change(table, Op.CREATE, 901, null, row("id", 2, "name", "gone meanwhile"))));
        awaitProcessed(table, 2);
        // Generation 1: the repair snapshot reads row 1 only, then sweeps; a late change of generation 0 stays out.
        ChangeEvent read = change(table, Op.READ, 1, null, row("id", 1, "name", "repaired"));
        send(topic, new Rec(row("id", 1), new ChangeEvent(null, read.after(), Op.READ, read.tsMs(),
                read.source().with("cdc_generation", 1).with("snapshot", "true"), null)));
        ChangeEvent sweep = change(table, Op.TRUNCATE, 1, null, null);
        kafka.send(topic, null, value(new ChangeEvent(null, null, Op.TRUNCATE, sweep.tsMs(),
                sweep.source().with("cdc_generation", 1).with("cdc_sweep", true), null)), Map.of());
        send(topic, new Rec(row("id", 1), change(table, Op.UPDATE, 5_000, null, row("id", 1, "name", "late, generation 0"))));
        ChangeEvent fresh = change(table, Op.CREATE, 10, null, row("id", 3, "name", "new"));
        send(topic, new Rec(row("id", 3), new ChangeEvent(null, fresh.after(), Op.CREATE, fresh.tsMs(),
                fresh.source().with("cdc_generation", 1), null)));

        eventually().untilAsserted(() -> assertThat(warehouse.strings("SELECT concat_ws('|', id, name, _cdc_position) FROM "
                + current(table) + " ORDER BY id")).containsExactly(
                "1|repaired|" + Position.snapshot(1).sortKey(), "3|new|" + new Position(1, 10, 0).sortKey()));
        assertThat(warehouse.strings("SELECT concat_ws('|', id, name, _cdc_valid_to IS NULL) FROM " + history(table)
                + " WHERE id = 2")).containsExactly("2|gone meanwhile|f");
    }

    @Test
    void readinessReportsTheWarehouseUp() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(readiness).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"name\": \"warehouse\"").contains("\"status\": \"UP\"");
    }

    /** The registry's id of a fixture schema, registered by {@link WarehouseStackResource}. */
    private static String schemaId(int fixture) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("cdc.it.schema-id." + fixture, String.class);
    }
}
