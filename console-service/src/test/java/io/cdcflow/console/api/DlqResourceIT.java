package io.cdcflow.console.api;

import io.cdcflow.model.DeadLetterHeaders;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * The dead-letter API and {@code bin/cdcflow dlq} against the stack's real Kafka, on a dead-letter topic of the
 * test's own holding what the router and a sink write there (the original key and value, the {@code cdc.dlq.*}
 * headers, the record's own headers): list with filters and counts, show decoded, redrive to the original topic
 * with the redrive headers (and the record's schema id), a loop stopped at the cap, skip recorded with who and why,
 * and actions refused without the credential.
 */
@QuarkusTest
@QuarkusTestResource(value = DlqTopics.class, restrictToAnnotatedClass = true)
class DlqResourceIT {

    // Where the dead letters came from; no running service consumes these (see DlqTopics).
    private static final String ITEMS = "cdc.it-" + DlqTopics.RUN + ".public.items";
    private static final String RAW = "cdc.it-" + DlqTopics.RUN + ".public.orders";

    @TestHTTPResource("/")
    URL root;

    @Test
    void deadLettersAreListedShownRedrivenOnceEachUpToTheCapAndSkipped() throws Exception {
        String priceRefused = deadLetter(ITEMS, 3, "{\"id\":1}", "{\"op\":\"u\",\"after\":{\"id\":1,\"price\":9.5}}",
                "bad_value", "warehouse-sink", Map.of("cdc.schema.id", "7"));
        String notAnEnvelope = deadLetter(RAW, 11, "{\"id\":2}", "{\"hello\":1}", "not_an_envelope", "router-service",
                Map.of());
        // A record that failed after three redrives already: the cap (3) refuses a fourth.
        String looping = deadLetter(ITEMS, 9, "{\"id\":3}", "{\"op\":\"c\",\"after\":{\"id\":3}}", "bad_value",
                "warehouse-sink", Map.of("cdc.redrive.count", "3"));

        given().get("/dlq").then().statusCode(200).body("total", equalTo(3)).body("handled", equalTo(0))
                .body("counts.find { it.reason == 'bad_value' }.count", equalTo(2))
                .body("counts.find { it.reason == 'not_an_envelope' }.table", equalTo("public.orders"));
        given().queryParam("reason", "bad_value").get("/dlq").then().statusCode(200).body("total", equalTo(2))
                .body("letters.id", org.hamcrest.Matchers.containsInAnyOrder(priceRefused, looping));
        given().queryParam("table", "orders").queryParam("service", "router-service").get("/dlq").then()
                .body("total", equalTo(1)).body("letters[0].id", equalTo(notAnEnvelope));
        given().queryParam("since", "yesterday").get("/dlq").then().statusCode(400).body("message", containsString("ISO-8601"));
        given().get("/dlq/" + priceRefused).then().statusCode(200).body("reason", equalTo("bad_value"))
                .body("topic", equalTo(ITEMS)).body("offset", equalTo(3)).body("key.id", equalTo(1))
                .body("value.after.price", equalTo(9.5f)).body("headers.'cdc.schema.id'", equalTo("7"))
                .body("decision", nullValue());
        given().get("/dlq/0-999999").then().statusCode(404);

        // Actions need the credential.
        given().contentType(ContentType.JSON).body("{\"ids\":[\"" + priceRefused + "\"]}").post("/dlq/redrive")
                .then().statusCode(401);
        given().auth().preemptive().basic("ops", "wrong").contentType(ContentType.JSON)
                .body("{\"ids\":[\"" + priceRefused + "\"]}").post("/dlq/redrive").then().statusCode(401);

        try (KafkaConsumer<byte[], byte[]> items = consumer(ITEMS)) {
            // Through the command line, as an operator would.
            String out = cli("dlq", "redrive", priceRefused, looping);
            assertThat(out).startsWith("0:").contains("\"redriven\"").contains("\"capped\"");
            List<ConsumerRecord<byte[], byte[]>> back = read(items, 1);
            ConsumerRecord<byte[], byte[]> r = back.getFirst();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"price\":9.5");
            assertThat(header(r, "cdc.redrive.count")).isEqualTo("1");
            assertThat(header(r, "cdc.redrive.at")).isNotBlank();
            assertThat(header(r, "cdc.schema.id")).isEqualTo("7");
            assertThat(r.headers().lastHeader("cdc.dlq.reason")).isNull();
            assertThat(read(items, 0)).as("the capped record was not sent back").isEmpty();

            // A filtered redrive of everything left: the capped one stays refused.
            given().auth().preemptive().basic("ops", DlqTopics.PASSWORD).contentType(ContentType.JSON)
                    .body("{\"filter\":{}}").post("/dlq/redrive").then().statusCode(400).body("message", containsString("all"));
            given().auth().preemptive().basic("ops", DlqTopics.PASSWORD).contentType(ContentType.JSON)
                    .body("{\"filter\":{\"reason\":\"bad_value\",\"table\":\"items\"}}").post("/dlq/redrive").then()
                    .statusCode(200).body("redriven", hasSize(1)).body("capped[0].id", equalTo(looping));
            assertThat(read(items, 1)).hasSize(1);
        }

        assertThat(cli("dlq", "skip", notAnEnvelope, "--why", "a test record, not a change")).startsWith("0:")
                .contains(notAnEnvelope);
        assertThat(cli("dlq", "skip", notAnEnvelope)).startsWith("2:");
        given().get("/dlq/" + notAnEnvelope).then().body("decision.action", equalTo("skipped"))
                .body("decision.by", equalTo("ops")).body("decision.why", equalTo("a test record, not a change"));
        given().get("/dlq/" + priceRefused).then().body("decision.action", equalTo("redriven"))
                .body("decision.count", equalTo(1));
        String list = cli("dlq", "list", "--table", "public.items");
        assertThat(list).startsWith("0:2 dead letter(s) in " + DlqTopics.DLQ + ", 1 handled").contains(priceRefused)
                .contains("redriven").doesNotContain(notAnEnvelope);
        // Nothing was deleted.
        given().get("/dlq").then().body("total", equalTo(3)).body("handled", equalTo(2));
    }

    /** Writes a dead letter as the services do; its id. */
    private static String deadLetter(String topic, long offset, String key, String value, String reason, String service,
                                     Map<String, String> carried) throws Exception {
        RecordHeaders h = new RecordHeaders();
        carried.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        new DeadLetterHeaders(reason, reason + " in a test", topic, 0, offset, service).asMap()
                .forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        try (TestKafka kafka = TestKafka.of(Stack.up())) {
            var m = kafka.send(new ProducerRecord<>(DlqTopics.DLQ, null, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8), h));
            return m.partition() + "-" + m.offset();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> c = TestKafka.of(Stack.up()).consumer(Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        return c;
    }

    /** Polls until {@code n} records arrived (0: for five seconds, expecting none). */
    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaConsumer<byte[], byte[]> c, int n) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(n == 0 ? 5 : 30).toNanos();
        while (System.nanoTime() < end && (n == 0 || out.size() < n)) {
            c.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return TestKafka.header(r, name);
    }

    /** Runs {@code bin/cdcflow args...} against this test's console-service; "exit code:output". */
    private String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "../bin/cdcflow"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CDCFLOW_HOST", root.getHost());
        pb.environment().put("CDCFLOW_SERVICES", "console-service:" + root.getPort());
        pb.environment().put("CDCFLOW_CREDENTIAL", DlqTopics.USER + ":" + DlqTopics.PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }
}
