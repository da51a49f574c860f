package io.cdcflow.cache.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import io.cdcflow.model.RowKey;
import io.cdcflow.testkit.DeadLetters;
import io.cdcflow.testkit.TestKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.cdcflow.sink.Events.event;
import static io.cdcflow.sink.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis going away and coming back: the sink stops consuming (no offset moves, nothing is dead-lettered), reports
 * itself not ready and counts errors; once Redis is back (without the apply script, which Redis does not persist)
 * every change arrives. Runs against a Redis of its own ({@link PrivateRedisResource}), never the shared one.
 */
@QuarkusTest
@QuarkusTestResource(value = PrivateRedisResource.class, restrictToAnnotatedClass = true)
class CacheSinkOutageIT {

    private static final String SOURCE = PrivateRedisResource.RUN + "a";
    private static final String TOPIC = "validated." + SOURCE + ".public.customers";
    private static final String KEYS = "cdc:" + SOURCE + ".public.customers:";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private static TestKafka kafka;

    @Inject
    MeterRegistry meters;

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    @BeforeAll
    static void clients() {
        kafka = TestKafka.of(PrivateRedisResource.endpoints);
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void whileRedisIsAwayNothingIsCommittedOrDeadLetteredAndWhenItIsBackNothingIsMissing() throws Exception {
        send(Op.CREATE, 100, row("id", 1, "name", "Ada"));
        kafka.awaitConsumed(PrivateRedisResource.GROUP, TOPIC, DEADLINE);
        assertThat(redis.hash(String.class).hgetall(KEYS + 1)).containsEntry("pos", new io.cdcflow.model.Position(100).sortKey());
        Map<TopicPartition, Long> dlqStart = new DeadLetters(kafka).mark();
        double errorsBefore = errors();

        PrivateRedisResource.stopRedis();
        send(Op.UPDATE, 110, row("id", 1, "name", "Ada L."));
        send(Op.CREATE, 120, row("id", 2, "name", "Bob"));
        send(Op.DELETE, 130, row("id", 2, "name", "Bob"));
        send(Op.CREATE, 140, row("id", 3, "name", "Cy"));
        await().atMost(Duration.ofSeconds(60)).until(() -> errors() > errorsBefore + 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> readinessStatus() == 503);
        assertThat(kafka.consumed(PrivateRedisResource.GROUP, TOPIC)).as("no offset moves while Redis is away").isFalse();

        PrivateRedisResource.startRedis();
        kafka.awaitConsumed(PrivateRedisResource.GROUP, TOPIC, DEADLINE);
        assertThat(redis.hash(String.class).hgetall(KEYS + 1))
                .isEqualTo(Map.of("pos", new io.cdcflow.model.Position(110).sortKey(), "row", "{\"id\":1,\"name\":\"Ada L.\"}"));
        assertThat(redis.hash(String.class).hgetall(KEYS + 2)).isEqualTo(Map.of("pos", new io.cdcflow.model.Position(130).sortKey(), "deleted", "1"));
        assertThat(redis.hash(String.class).hgetall(KEYS + 3)).containsEntry("pos", new io.cdcflow.model.Position(140).sortKey());
        await().atMost(Duration.ofSeconds(30)).until(() -> readinessStatus() == 200);
        assertThat(new DeadLetters(kafka).since(dlqStart, DeadLetters.from(TOPIC, "cache-sink"))).as("nothing was dead-lettered for the outage").isEmpty();
    }

    private void send(Op op, long lsn, ObjectNode row) {
        kafka.send(TOPIC, ChangeEventSerde.writeKey(new RowKey(row("id", row.get("id").asInt()))),
                ChangeEventSerde.writeValue(event(SOURCE, "customers", op, lsn, row)));
    }

    private double errors() {
        Counter c = meters.find("cdc.sink.errors").tag("sink", "cache-sink").counter();
        return c == null ? 0 : c.count();
    }

    private int readinessStatus() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(readiness).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
