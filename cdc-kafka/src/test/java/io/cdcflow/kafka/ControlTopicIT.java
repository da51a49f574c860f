package io.cdcflow.kafka;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TcpProxy;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A control topic on the stack's real Kafka: created compacted, its history read back, then followed live. */
class ControlTopicIT {

    private StackEndpoints stack;
    private TestKafka kafka;
    private String topic;

    @BeforeEach
    void setUp() {
        stack = Stack.up();
        kafka = TestKafka.of(stack);
        topic = "control-it-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        kafka.deleteTopics(List.of(topic));
        kafka.close();
    }

    @Test
    void theHistoryIsReadBackThenNewRecordsArriveLive() throws Exception {
        Map<String, Object> settings = Map.of("bootstrap.servers", stack.kafkaBootstrap(), "group.id", "ignored",
                "max.poll.records", 1);
        try (ControlTopic writer = new ControlTopic(topic, settings)) {
            writer.write("a", bytes("1")); // the first write creates the topic
            writer.write("b", bytes("2"));
            writer.write("a", null);
            assertThat(writer.create()).as("it exists now").isFalse();
            var config = kafka.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions()).hasSize(1);

            Map<String, String> seen = new ConcurrentHashMap<>();
            List<String> live = new CopyOnWriteArrayList<>();
            try (ControlTopic follower = new ControlTopic(topic, settings)) {
                follower.follow("control-it", (key, value, offset, isLive) -> {
                    if (value == null) {
                        seen.remove(key);
                    } else {
                        seen.put(key, new String(value, StandardCharsets.UTF_8));
                    }
                    if (isLive) {
                        live.add(key);
                    }
                });
                assertThat(follower.awaitLoaded(Duration.ofSeconds(60))).isTrue();
                assertThat(seen).containsExactly(Map.entry("b", "2"));
                assertThat(live).as("the history is not live").isEmpty();

                writer.write("c", bytes("3"));
                await().atMost(Duration.ofSeconds(30)).until(() -> live.contains("c"));
                assertThat(seen).containsOnly(Map.entry("b", "2"), Map.entry("c", "3"));
            }
            assertThat(writer.readAll()).containsOnlyKeys("b", "c");
        }
    }

    @Test
    void aTopicThatDoesNotExistReadsAsEmptyAndIsFollowedOnceCreated() {
        Map<String, Object> settings = Map.of("bootstrap.servers", stack.kafkaBootstrap());
        try (ControlTopic control = new ControlTopic(topic, settings)) {
            assertThat(control.readAll()).isEmpty();
            Map<String, String> seen = new ConcurrentHashMap<>();
            control.follow("control-it", (key, value, offset, live) -> seen.put(key, new String(value, StandardCharsets.UTF_8)));
            control.write("x", bytes("1"));
            await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(seen.get("x")));
            assertThat(control.loaded()).isTrue();
        }
    }

    @Test
    void aFollowerStartedWhileKafkaIsAwayReadsTheTopicOnceKafkaAnswers() throws Exception {
        try (ControlTopic writer = new ControlTopic(topic, Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
            writer.write("k", bytes("v"));
        }
        String[] address = stack.kafkaBootstrap().split(":");
        try (TcpProxy proxy = new TcpProxy(address[0], Integer.parseInt(address[1]))) {
            proxy.down();
            Map<String, String> seen = new ConcurrentHashMap<>();
            try (ControlTopic control = new ControlTopic(topic, Map.of("bootstrap.servers", "127.0.0.1:" + proxy.port()))) {
                control.follow("control-it", (key, value, offset, live) -> seen.put(key, new String(value, StandardCharsets.UTF_8)));
                // Longer than one wait for the topic's partitions (10 s): the follower must ask again, not give up.
                assertThat(control.awaitLoaded(Duration.ofSeconds(15))).isFalse();
                proxy.up();
                assertThat(control.awaitLoaded(Duration.ofSeconds(60))).isTrue();
                assertThat(seen).containsExactly(Map.entry("k", "v"));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
