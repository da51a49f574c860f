package io.cdcflow.e2e;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * capture-service killed with SIGKILL in the middle of a stream of commits, then restarted: every committed change
 * reaches the raw topic; the only duplicates are exact re-deliveries (same row, same position, same content).
 */
class CaptureCrashIT {

    private static final int TRANSACTIONS = 400;
    private static final int ROWS_PER_TRANSACTION = 5;

    @Test
    void aKilledCaptureLosesNothingAfterRestart() throws Exception {
        StackEndpoints stack = Stack.up();
        String tag = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        try (SourceDatabase source = new SourceDatabase(stack)) {
            source.createSchema();
        }
        Services.up("capture-service");

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (SourceDatabase source = new SourceDatabase(stack)) {
                for (int t = 0; t < TRANSACTIONS; t++) {
                    source.execute("INSERT INTO customers (first_name, last_name, email) SELECT ?, ?, ? || g || '@example.com' "
                            + "FROM generate_series(1, ?) g", "Crash", tag, tag + "-" + t + "-", ROWS_PER_TRANSACTION);
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500);
        assertThat(writer).as("the kill must land in the middle of the stream").isNotDone();
        Services.kill("capture-service");
        writer.get();
        Services.up("capture-service");

        Map<Long, String> byId = new HashMap<>();
        int duplicates = 0;
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "crash-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int expected = TRANSACTIONS * ROWS_PER_TRANSACTION;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(Pattern.compile(Pattern.quote("inventory.public.customers")));
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < end && byId.size() < expected) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    ChangeEvent e = ChangeEventSerde.readValue(r.value()).event();
                    if (e.after() == null || !tag.equals(e.after().path("last_name").asText())) {
                        continue;
                    }
                    String fingerprint = e.position() + "|" + e.after();
                    String previous = byId.put(e.after().get("id").asLong(), fingerprint);
                    if (previous != null) {
                        assertThat(fingerprint).as("a duplicate must be an exact re-delivery").isEqualTo(previous);
                        duplicates++;
                    }
                }
            }
        }
        System.out.printf("capture crash: %d changes committed, %d captured, %d exact re-deliveries%n",
                expected, byId.size(), duplicates);
        assertThat(byId).hasSize(expected);
    }
}
