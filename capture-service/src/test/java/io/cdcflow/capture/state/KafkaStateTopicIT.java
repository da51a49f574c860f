package io.cdcflow.capture.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The capture state topic on the stack's Kafka: what one instance saves, another (a standby with nothing of the
 * first's) loads; the latest save of a key wins; keys of other sources and pieces stay apart; the topic is created
 * compacted and a delete-policy topic of that name is refused; state kept in a folder before is copied into the
 * topic on first read.
 */
class KafkaStateTopicIT {

    private final TestKafka kafka = TestKafka.of(Stack.up());
    private final List<String> topics = new ArrayList<>();
    private final List<KafkaStateTopic> opened = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        opened.forEach(KafkaStateTopic::close);
        kafka.deleteTopics(topics);
        kafka.close();
    }

    private String newTopic() {
        String topic = "capture-state-it-" + UUID.randomUUID();
        topics.add(topic);
        return topic;
    }

    private KafkaStateTopic open(String topic) {
        KafkaStateTopic t = new KafkaStateTopic(topic,
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, Stack.up().kafkaBootstrap()));
        opened.add(t);
        return t;
    }

    private static ObjectNode state(int generation) {
        return Json.mapper().createObjectNode().put("generation", generation);
    }

    @Test
    void whatOneInstanceSavesAnotherLoadsTheLatestSaveWinning() throws Exception {
        String topic = newTopic();
        KafkaStateTopic leader = open(topic);
        assertThat(leader.load("shop/generation")).isEmpty();
        leader.save("shop/generation", state(1));
        leader.save("shop/generation", state(2));
        leader.save("shop/trigger-seq", Json.mapper().createObjectNode().put("highest_seq", 42));
        leader.save("other/generation", state(7));

        KafkaStateTopic standby = open(topic);
        assertThat(standby.load("shop/generation")).contains(state(2));
        assertThat(standby.load("shop/trigger-seq").orElseThrow().path("highest_seq").asLong()).isEqualTo(42);
        assertThat(standby.load("other/generation")).contains(state(7));
        assertThat(standby.load("shop/timestamp")).isEmpty();

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = kafka.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(1);
    }

    @Test
    void aPieceOfStateOverKafkasDefaultRecordSizeIsSavedAndLoaded() throws Exception {
        // The timestamp strategy's overlap window after a bulk update sharing one timestamp: 60,000 keys, about 2 MB.
        ObjectNode window = Json.mapper().createObjectNode();
        var published = window.putObject("shop.orders").put("watermark_us", 1_700_000_000_000_000L).putArray("published");
        for (int i = 0; i < 60_000; i++) {
            published.add("1700000000000000|{\"id\":" + i + "}");
        }
        assertThat(Json.mapper().writeValueAsBytes(window).length).as("over Kafka's default 1 MB").isGreaterThan(1 << 20);
        String topic = newTopic();
        open(topic).save("shop/timestamp", window);
        assertThat(open(topic).load("shop/timestamp")).contains(window);
    }

    @Test
    void aTopicThatDeletesOldRecordsIsRefusedNamingItsPolicy() throws Exception {
        String topic = newTopic();
        kafka.admin().createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)))).all().get();
        assertThatThrownBy(() -> open(topic).save("shop/generation", state(1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(topic).hasMessageContaining("cleanup.policy=delete").hasMessageContaining("compact");
    }

    @Test
    void stateKeptInTheFolderBeforeIsCopiedIntoTheTopicOnFirstRead(@TempDir Path folder) throws Exception {
        String topic = newTopic();
        SourceStates.inFolder(folder, "shop").store("generation").save(state(3));

        SourceStates moved = SourceStates.inTopic(open(topic), "shop", SourceStates.inFolder(folder, "shop"));
        assertThat(moved.store("generation").load()).isEqualTo(state(3));
        moved.store("generation").save(state(4));

        // A replica without that folder: the copy, then the save, are in the topic.
        SourceStates standby = SourceStates.inTopic(open(topic), "shop", SourceStates.inFolder(folder.resolve("none"), "shop"));
        assertThat(standby.store("generation").load()).isEqualTo(state(4));
        assertThat(standby.store("read-seq").load()).isEmpty();
    }
}
