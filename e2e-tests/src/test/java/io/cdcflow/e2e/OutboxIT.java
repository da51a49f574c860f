package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox pattern end to end: an HTTP call to the example order service writes an order and its OrderCreated
 * event in one transaction (Debezium's outbox extension); capture-service captures the outbox table; the router
 * routes the event to {@code outbox.event.Order}, keyed by the order id, with the event id and type as headers.
 */
class OutboxIT {

    @Test
    void anOrderPlacedOverHttpArrivesAsARoutedDomainEvent() throws Exception {
        StackEndpoints stack = Stack.up();
        long customer;
        try (SourceDatabase source = new SourceDatabase(stack)) {
            source.createSchema();
            customer = source.queryLong("INSERT INTO customers (first_name, last_name, email) VALUES (?, ?, ?) RETURNING id",
                    "Olga", "Outbox", "olga." + UUID.randomUUID() + "@example.com");
        }
        Services.up();
        Services.up("order-service");

        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Services.url("order-service") + "/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":" + customer + ",\"total\":12.50}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String orderId = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");

        ConsumerRecord<byte[], byte[]> event = awaitEvent(stack, "outbox.event.Order", orderId, Duration.ofSeconds(90));
        assertThat(header(event, "eventType")).isEqualTo("OrderCreated");
        assertThat(header(event, "id")).matches("[0-9a-f-]{36}");
        String payload = new String(event.value(), StandardCharsets.UTF_8);
        assertThat(payload).contains("\"id\":" + orderId).contains("\"customerId\":" + customer).contains("12.5");
    }

    private static ConsumerRecord<byte[], byte[]> awaitEvent(StackEndpoints stack, String topic, String key, Duration deadline) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = TestKafka.of(stack).subscribe(topic, Map.of())) {
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String k = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.equals(k)) {
                        return r;
                    }
                    seen.add(k);
                }
            }
        }
        throw new AssertionError("no event with key " + key + " on " + topic + " within " + deadline + "; keys seen: " + seen);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return TestKafka.header(r, name);
    }
}
