package io.cdcflow.warehouse.it;

import io.cdcflow.testkit.TcpProxy;

import io.cdcflow.model.Op;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.cdcflow.warehouse.TestEvents.event;
import static io.cdcflow.warehouse.TestEvents.key;
import static io.cdcflow.warehouse.TestEvents.row;
import static io.cdcflow.warehouse.TestEvents.source;
import static io.cdcflow.warehouse.TestEvents.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warehouse going away and coming back, without touching the shared server: the sink reaches PostgreSQL
 * through a {@link TcpProxy} the test cuts. While it is cut the sink reports not ready, counts errors,
 * dead-letters nothing and commits no offset; once the link is back every change is in the warehouse.
 */
@QuarkusTest
@QuarkusTestResource(value = WarehouseStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = WarehouseStackResource.PROXY, value = "true"))
class WarehouseOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @ConfigProperty(name = "cdc.it.run")
    String run;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    /** The relay between the sink and the warehouse, which the test cuts (injected by the resource). */
    TcpProxy warehouseLink;

    @Test
    void theWarehouseGoingAwayForAWhileLosesNothing() throws Exception {
        StackEndpoints stack = Stack.up();
        String table = "outage";
        String topic = "validated." + run + ".public." + table;
        String current = "\"" + WarehouseStackResource.SCHEMA_PREFIX + run + "_public\".\"" + table + "\"";
        try (TestKafka kafka = TestKafka.of(stack);
             ItWarehouse warehouse = new ItWarehouse(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                     stack.get("CDC_STORE_PG_PASSWORD"))) {
            kafka.createTopic(topic, 1);
            long lsn = 100;
            for (int id = 1; id <= 5; id++) {
                send(kafka, topic, table, id, "v1", lsn++);
            }
            await().atMost(DEADLINE).ignoreExceptions().untilAsserted(() ->
                    assertThat(warehouse.strings("SELECT count(*)::text FROM " + current)).containsExactly("5"));
            assertThat(readinessStatus()).isEqualTo(200);

            warehouseLink.down();
            double errorsBefore = errors();
            for (int id = 1; id <= 10; id++) {
                send(kafka, topic, table, id, "v2", lsn++);
            }
            await().atMost(DEADLINE).untilAsserted(() -> {
                assertThat(errors()).isGreaterThan(errorsBefore + 2);
                assertThat(readinessStatus()).isEqualTo(503);
            });
            assertThat(ourDeadLetters(kafka, topic)).isEmpty();

            warehouseLink.up();
            List<String> expected = new ArrayList<>();
            for (int id = 1; id <= 10; id++) {
                expected.add(id + "|v2");
            }
            await().atMost(DEADLINE).ignoreExceptions().untilAsserted(() -> assertThat(warehouse.strings(
                    "SELECT concat_ws('|', id, name) FROM " + current + " ORDER BY id")).isEqualTo(expected));
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(readinessStatus()).isEqualTo(200));
            assertThat(ourDeadLetters(kafka, topic)).isEmpty();
        }
    }

    private static List<?> ourDeadLetters(TestKafka kafka, String topic) {
        return new DeadLetters(kafka).since(Map.of(), DeadLetters.from(topic, WarehouseStackResource.SINK));
    }

    private void send(TestKafka kafka, String topic, String table, int id, String name, long lsn) {
        kafka.send(topic, key(row("id", id)), value(event(Op.CREATE, source(run, "public", table, lsn, 1_000 + lsn),
                null, row("id", id, "name", name))), Map.of());
    }

    private double errors() {
        var c = meters.find("cdc.sink.errors").tag("sink", WarehouseStackResource.SINK).counter();
        return c == null ? 0 : c.count();
    }

    private int readinessStatus() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
