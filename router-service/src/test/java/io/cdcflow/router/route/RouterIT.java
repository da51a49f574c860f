package io.cdcflow.router.route;

import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.WireFormat;
import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router against the real Kafka and the real schema registry: valid events are registered and forwarded with
 * their key; a compatible new column registers a new version and flows; an incompatible change and every kind of
 * bad record end in the dead-letter topic with their reason, while later good records still flow; outbox rows
 * are routed as domain events and their deletes skipped.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterResource.class, restrictToAnnotatedClass = true)
class RouterIT {

    private static TestKafka kafka;

    @BeforeAll
    static void kafka() {
        kafka = TestKafka.of(Stack.up());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void validEventsAreRegisteredAndForwardedAndACompatibleColumnFlowsOn() throws Exception {
        String topic = "rt" + hex() + ".public.items";
        String v1 = RawEvents.schema(topic, "");
        String v2 = RawEvents.schema(topic, ",{\"type\":\"string\",\"optional\":true,\"field\":\"color\"}");
        send(topic, "{\"id\":1}", RawEvents.insert(topic, v1, "{\"id\":1,\"name\":\"one\"}", 100));
        send(topic, "{\"id\":2}", RawEvents.insert(topic, v2, "{\"id\":2,\"name\":\"two\",\"color\":\"red\"}", 200));
        send(topic, null, "{\"schema\":" + v2 + ",\"payload\":{\"before\":null,\"after\":null,\"op\":\"t\",\"ts_ms\":1,"
                + "\"source\":" + RawEvents.source(topic, 300) + ",\"transaction\":null}}");

        List<ConsumerRecord<byte[], byte[]>> out = read("validated." + topic, r -> true, 3);
        assertThat(out).extracting(r -> r.key() == null ? "truncate" : new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}", "truncate");
        ConsumerRecord<byte[], byte[]> second = out.stream().filter(r -> r.key() != null && new String(r.key()).contains("2"))
                .findFirst().orElseThrow();
        // By Confluent's rules: magic byte, schema id, JSON valid under the JSON Schema registered for the topic.
        var value = ConfluentDecoding.jsonSchemaValue(second);
        assertThat(value.at("/after/color").asText()).isEqualTo("red");
        assertThat(value.has("schema")).as("no inline Connect schema").isFalse();
        assertThat(ChangeEventSerde.readValue(WireFormat.payload(second.value())).event().after().get("color").asText())
                .isEqualTo("red");
        assertThat(header(second, "cdc.schema.id")).as("the table's Avro schema, for the sinks").isNotBlank();
        assertThat(registry("/subjects/validated." + topic + "-value/versions")).isEqualTo("[1,2]");
        assertThat(registry("/subjects/" + topic + "-value/versions")).isEqualTo("[1,2]");
        assertThat(registry("/subjects/" + topic + "-value/versions/1")).contains("\\\"type\\\":\\\"record\\\"");
        assertThat(registry("/subjects/" + topic + "-key/versions/1")).contains("\\\"name\\\":\\\"Key\\\"");
    }

    @Test
    void ordinaryDdlRegistersCompatibleVersionsAndNothingIsDeadLettered() throws Exception {
        String topic = "rt" + hex() + ".public.items";
        String id = RawEvents.column("id", "int64", false, "");
        String name = RawEvents.column("name", "string", false, "");
        String qty = RawEvents.column("qty", "int32", false, "");
        String ratio = RawEvents.column("ratio", "float", true, "");
        String price = RawEvents.column("price", "bytes", false, "\"name\":\"org.apache.kafka.connect.data.Decimal\","
                + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"8\"}");
        List<String[]> versions = List.of(
                new String[]{id, name, qty, ratio, price},
                new String[]{id, name, qty, ratio, price, RawEvents.column("tier", "string", true, "")},
                new String[]{id, name, qty, ratio, price, RawEvents.column("tier", "string", true, ""),
                        RawEvents.column("score", "int32", false, "\"default\":0")},
                new String[]{id, name, qty, ratio, price, RawEvents.column("score", "int32", false, "\"default\":0")},
                new String[]{id, RawEvents.column("title", "string", false, ""), qty, ratio, price,
                        RawEvents.column("score", "int32", false, "\"default\":0")},
                new String[]{id, RawEvents.column("title", "string", true, ""), RawEvents.column("qty", "int64", false, ""),
                        RawEvents.column("ratio", "double", true, ""),
                        price.replace("\"connect.decimal.precision\":\"8\"", "\"connect.decimal.precision\":\"12\""),
                        RawEvents.column("score", "int32", false, "\"default\":5")},
                new String[]{id, RawEvents.column("title", "string", false, ""), RawEvents.column("qty", "int64", false, ""),
                        RawEvents.column("ratio", "double", true, ""),
                        price.replace("\"connect.decimal.precision\":\"8\"", "\"connect.decimal.precision\":\"12\""),
                        RawEvents.column("score", "int32", false, "\"default\":5")});
        List<String> rows = List.of(
                "{\"id\":1,\"name\":\"a\",\"qty\":1,\"ratio\":0.5,\"price\":12.34}",
                "{\"id\":2,\"name\":\"b\",\"qty\":2,\"ratio\":null,\"price\":1.00,\"tier\":\"gold\"}",
                "{\"id\":3,\"name\":\"c\",\"qty\":3,\"ratio\":1.5,\"price\":2.00,\"tier\":null,\"score\":0}",
                "{\"id\":4,\"name\":\"d\",\"qty\":4,\"ratio\":1.5,\"price\":3.00,\"score\":1}",
                "{\"id\":5,\"title\":\"e\",\"qty\":5,\"ratio\":1.5,\"price\":4.00,\"score\":2}",
                "{\"id\":6,\"title\":null,\"qty\":6000000000,\"ratio\":2.25,\"price\":123456789.12,\"score\":5}",
                "{\"id\":7,\"title\":\"g\",\"qty\":7,\"ratio\":2.25,\"price\":5.00,\"score\":5}");
        for (int i = 0; i < versions.size(); i++) {
            send(topic, "{\"id\":" + (i + 1) + "}", RawEvents.insert(topic, RawEvents.schemaOf(topic, versions.get(i)),
                    rows.get(i), 100L + i));
        }

        assertThat(read("validated." + topic, r -> true, versions.size())).hasSize(versions.size());
        // add, add NOT NULL DEFAULT, drop, rename, widen int/float/decimal with nullability and default changes: each
        // a new, compatible version; setting NOT NULL again changes nothing the registered schema says (every column
        // is optional there), so the last event carries version 6 too.
        assertThat(registry("/subjects/" + topic + "-value/versions")).isEqualTo("[1,2,3,4,5,6]");
        assertThat(meters.find("cdc.router.schema.changes").tag("subject", topic + "-value").tag("compatible", "true")
                .counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(6.0);
        assertThat(meters.find("cdc.router.schema.changes").tag("topic", topic).tag("compatible", "false").counter())
                .isNull();
        assertThat(read("cdc.dlq", r -> topic.equals(header(r, "cdc.dlq.topic")), 1, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void anIncompatibleChangeUnderTheDefaultPolicyBecomesTheNextVersionAndFlows() throws Exception {
        String topic = "rt" + hex() + ".public.items";
        String v1 = RawEvents.schema(topic, "");
        String retyped = v1.replace("{\"type\":\"string\",\"optional\":false,\"field\":\"name\"}",
                "{\"type\":\"int32\",\"optional\":false,\"field\":\"name\"}");
        send(topic, "{\"id\":1}", RawEvents.insert(topic, v1, "{\"id\":1,\"name\":\"one\"}", 100));
        send(topic, "{\"id\":2}", RawEvents.insert(topic, retyped, "{\"id\":2,\"name\":2}", 200));
        send(topic, "{\"id\":3}", RawEvents.insert(topic, v1, "{\"id\":3,\"name\":\"three\"}", 300));

        List<ConsumerRecord<byte[], byte[]>> out = read("validated." + topic, r -> true, 3);
        assertThat(out).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
        assertThat(registry("/subjects/" + topic + "-value/versions")).isEqualTo("[1,2]");
        // The relaxation was for that one step: the subject follows the global level again.
        assertThat(registry("/config/" + topic + "-value?defaultToGlobal=false")).contains("40408");
        assertThat(meters.find("cdc.router.schema.changes").tag("subject", topic + "-value").tag("compatible", "false")
                .tag("policy", "new-version").counter().count()).isEqualTo(1.0);
        assertThat(read("cdc.dlq", r -> topic.equals(header(r, "cdc.dlq.topic")), 1, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void anIncompatibleChangeUnderThePausePolicyStopsItsTableUntilAnOperatorAcceptsIt() throws Exception {
        String topic = RouterResource.PAUSED_TOPIC;
        String other = "rt" + hex() + ".public.others";
        String v1 = RawEvents.schema(topic, "");
        String retyped = v1.replace("{\"type\":\"string\",\"optional\":false,\"field\":\"name\"}",
                "{\"type\":\"int32\",\"optional\":false,\"field\":\"name\"}");
        send(topic, "{\"id\":1}", RawEvents.insert(topic, v1, "{\"id\":1,\"name\":\"one\"}", 100));
        send(topic, "{\"id\":2}", RawEvents.insert(topic, retyped, "{\"id\":2,\"name\":2}", 200));
        send(topic, "{\"id\":3}", RawEvents.insert(topic, v1, "{\"id\":3,\"name\":\"three\"}", 300));
        send(other, "{\"id\":1}", RawEvents.insert(other, RawEvents.schema(other, ""), "{\"id\":1,\"name\":\"o\"}", 100));

        // Other tables flow; this one stops at the change, and what follows it waits too.
        assertThat(read("validated." + other, r -> true, 1)).hasSize(1);
        assertThat(read("validated." + topic, r -> true, 3, Duration.ofSeconds(10)))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("{\"id\":1}");
        String tables = api("GET", "/tables", null);
        assertThat(tables).contains("\"topic\":\"" + topic + "\"", "\"paused\":true", "\"policy\":\"pause\"");
        assertThat(api("POST", "/tables/" + topic + "/resume?accept-schema=true", "wrong-password")).contains("credential");

        api("POST", "/tables/" + topic + "/resume?accept-schema=true", RouterResource.API_PASSWORD);

        assertThat(read("validated." + topic, r -> true, 3)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
        assertThat(api("GET", "/tables", null)).doesNotContain("\"paused\":true");
        assertThat(read("cdc.dlq", r -> topic.equals(header(r, "cdc.dlq.topic")), 1, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void badRecordsAndIncompatibleChangesAreDeadLetteredAndTheRestFlows() throws Exception {
        String topic = RouterResource.DEAD_LETTER_TOPIC; // its schema-change policy is dead-letter
        String v1 = RawEvents.schema(topic, "");
        String retyped = v1.replace("{\"type\":\"string\",\"optional\":false,\"field\":\"name\"}",
                "{\"type\":\"int32\",\"optional\":false,\"field\":\"name\"}");
        send(topic, "{\"id\":1}", RawEvents.insert(topic, v1, "{\"id\":1,\"name\":\"one\"}", 100));
        send(topic, "{\"id\":2}", "{not json");
        send(topic, "{\"id\":3}", "[\"valid json, not an envelope\"]");
        send(topic, "{\"id\":4}", RawEvents.insert(topic, v1, "{\"id\":4,\"name\":\"x\"}", 400).replace("\"op\":\"c\"", "\"op\":\"z\""));
        send(topic, "{\"id\":5}", RawEvents.insert(topic, v1, "{\"id\":5,\"name\":\"" + "x".repeat(30_000) + "\"}", 500));
        send(topic, "{\"id\":6}", RawEvents.insert(topic, retyped, "{\"id\":6,\"name\":6}", 600));
        send(topic, "{\"id\":7}", RawEvents.insert(topic, v1, "{\"id\":7,\"name\":\"seven\"}", 700));

        List<ConsumerRecord<byte[], byte[]>> dead = read("cdc.dlq", r -> topic.equals(header(r, "cdc.dlq.topic")), 5);
        assertThat(dead).extracting(r -> header(r, "cdc.dlq.reason")).containsExactlyInAnyOrder(
                "unparseable_json", "not_an_envelope", "unknown_op", "too_large", "incompatible_schema");
        ConsumerRecord<byte[], byte[]> incompatible = dead.stream()
                .filter(r -> "incompatible_schema".equals(header(r, "cdc.dlq.reason"))).findFirst().orElseThrow();
        assertThat(new String(incompatible.key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":6}");
        assertThat(header(incompatible, "cdc.dlq.message")).contains(topic + "-value");
        assertThat(header(incompatible, "cdc.dlq.offset")).isEqualTo("5");
        assertThat(header(incompatible, "cdc.dlq.service")).isEqualTo("router-service");

        List<ConsumerRecord<byte[], byte[]>> valid = read("validated." + topic, r -> true, 2);
        assertThat(valid).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":7}");

        // The operator lets the change through at the registry, then redrives the dead letter (as the console does:
        // the original bytes back to their topic, with cdc.redrive.count): it flows at once, not after the
        // rejection-ttl (60 s) for which the router remembers the refusal.
        registryPut("/config/" + topic + "-value", "{\"compatibility\":\"NONE\"}");
        ProducerRecord<byte[], byte[]> redrive = new ProducerRecord<>(topic, 0, incompatible.key(), incompatible.value());
        redrive.headers().add("cdc.redrive.count", "1".getBytes(StandardCharsets.UTF_8));
        kafka.send(redrive);
        assertThat(read("validated." + topic, r -> new String(r.key(), StandardCharsets.UTF_8).equals("{\"id\":6}"), 1,
                Duration.ofSeconds(20))).as("the redriven change, routed").hasSize(1);
    }

    /** A write to the registry as its operator. */
    private static void registryPut(String path, String json) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Services.url("schema-registry") + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        ("cdc:" + Services.registryPassword()).getBytes(StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void outboxRowsBecomeDomainEventsAndTheirDeletesAreSkipped() throws Exception {
        String topic = "rt" + hex() + ".public.outboxevent";
        String type = "Order" + hex();
        String row = "{\"id\":\"3f1e0c4e-1f7a-4c53-9d2a-000000000001\",\"aggregatetype\":\"" + type + "\","
                + "\"aggregateid\":\"42\",\"type\":\"OrderCreated\",\"timestamp\":1,"
                + "\"payload\":\"{\\\"id\\\":42,\\\"total\\\":12.5}\"}";
        String insert = "{\"before\":null,\"after\":" + row + ",\"op\":\"c\",\"ts_ms\":1,\"source\":"
                + RawEvents.source(topic, 100) + "}";
        String delete = "{\"before\":" + row + ",\"after\":null,\"op\":\"d\",\"ts_ms\":1,\"source\":"
                + RawEvents.source(topic, 101) + "}";
        send(topic, "{\"id\":\"3f1e0c4e-1f7a-4c53-9d2a-000000000001\"}", insert);
        send(topic, "{\"id\":\"3f1e0c4e-1f7a-4c53-9d2a-000000000001\"}", delete);

        List<ConsumerRecord<byte[], byte[]>> events = read("outbox.event." + type, r -> true, 1);
        assertThat(events).hasSize(1);
        ConsumerRecord<byte[], byte[]> e = events.get(0);
        assertThat(new String(e.key(), StandardCharsets.UTF_8)).isEqualTo("42");
        assertThat(new String(e.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":42,\"total\":12.5}");
        assertThat(header(e, "id")).isEqualTo("3f1e0c4e-1f7a-4c53-9d2a-000000000001");
        assertThat(header(e, "eventType")).isEqualTo("OrderCreated");
    }

    @Test
    void whileTheRegistryIsDownEventsWaitInsteadOfBeingDeadLettered() throws Exception {
        String topic = "rt" + hex() + ".public.items";
        String v1 = RawEvents.schema(topic, "");
        String v2 = RawEvents.schema(topic, ",{\"type\":\"string\",\"optional\":true,\"field\":\"size\"}");
        send(topic, "{\"id\":1}", RawEvents.insert(topic, v1, "{\"id\":1,\"name\":\"before the outage\"}", 100));
        assertThat(read("validated." + topic, r -> true, 1)).hasSize(1);

        Services.down("schema-registry");
        try {
            // A schema the router has cached flows on; a new one cannot be registered, so its event waits.
            send(topic, "{\"id\":2}", RawEvents.insert(topic, v1, "{\"id\":2,\"name\":\"cached schema\"}", 200));
            send(topic, "{\"id\":3}", RawEvents.insert(topic, v2, "{\"id\":3,\"name\":\"new schema\",\"size\":\"L\"}", 300));
            assertThat(read("validated." + topic, r -> true, 2)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}");
        } finally {
            Services.up("schema-registry");
        }
        assertThat(read("validated." + topic, r -> true, 3)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
        // Dead letters of this topic would have been written before its later events were forwarded.
        assertThat(read("cdc.dlq", r -> topic.equals(header(r, "cdc.dlq.topic")), 1, Duration.ofSeconds(10)))
                .as("nothing dead-lettered").isEmpty();
    }

    static void send(String topic, String key, String value) throws Exception {
        kafka.send(new ProducerRecord<>(topic, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
    }

    static String hex() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return TestKafka.header(r, name);
    }

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    URI router;

    /** Calls the router's API; with a password, as the user {@code ops}. */
    private String api(String method, String path, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(router.resolve(path.substring(1)))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (password != null) {
            b.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(("ops:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String registry(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Services.url("schema-registry") + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Reads a topic from the beginning until {@code count} matching records arrived (or 60 s passed), plus a grace
     * poll. Exact re-deliveries (same key, value and headers: at-least-once after a rebalance) count once; anything
     * else extra is kept, so a real duplicate or a stray record still fails the test.
     */
    static List<ConsumerRecord<byte[], byte[]>> read(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match, int count) {
        return read(topic, match, count, Duration.ofSeconds(60));
    }

    static List<ConsumerRecord<byte[], byte[]>> read(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match, int count,
                                                     Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Predicate<ConsumerRecord<byte[], byte[]>> firstDelivery = r -> seen.add(java.util.Arrays.toString(r.key())
                + java.util.Arrays.toString(r.value()) + java.util.Arrays.toString(r.headers().toArray()));
        match = match.and(firstDelivery);
        try (KafkaConsumer<byte[], byte[]> c = kafka.subscribe(topic, Map.of())) {
            long end = System.nanoTime() + deadline.toNanos();
            Predicate<ConsumerRecord<byte[], byte[]>> wanted = match;
            while (System.nanoTime() < end && out.size() < count) {
                c.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (wanted.test(r)) {
                        out.add(r);
                    }
                });
            }
            c.poll(Duration.ofSeconds(2)).forEach(r -> {
                if (wanted.test(r)) {
                    out.add(r);
                }
            });
        }
        return out;
    }
}
