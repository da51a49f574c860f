package io.cdcflow.capture.state;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.config.OffsetStore;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.StateStoreKind;
import io.cdcflow.capture.publish.KafkaClientSettings;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.microprofile.config.Config;

import java.util.Map;

/**
 * Where each source keeps its own state ({@link SourceStates}): its {@code state-store}, by default the capture
 * state topic when its log offsets are in Kafka ({@code log.offset-store=kafka}: the deployment has chosen to need
 * no volume) and the state folder otherwise. One {@link KafkaStateTopic} serves every source.
 */
@ApplicationScoped
public class CaptureStates {

    private final CaptureConfig config;
    private final KafkaStateTopic topic;

    @jakarta.inject.Inject
    public CaptureStates(CaptureConfig config, Config mpConfig) {
        this.config = config;
        Map<String, Object> settings = KafkaClientSettings.of(mpConfig, config.kafkaProperties());
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        this.topic = new KafkaStateTopic(config.stateTopic(), settings);
    }

    /** Outside CDI (tests): the Kafka client settings from the environment and system properties. */
    public CaptureStates(CaptureConfig config) {
        this(config, org.eclipse.microprofile.config.ConfigProvider.getConfig());
    }

    /** Where {@code source} keeps its state: in the folder or the topic, as {@link #kind} says. */
    public SourceStates of(String name, SourceConfig source) {
        SourceStates folder = SourceStates.inFolder(config.stateDir(), name);
        return kind(source) == StateStoreKind.kafka ? SourceStates.inTopic(topic, name, folder) : folder;
    }

    /** The source's {@code state-store}; when unset, {@code kafka} for a log source with its offsets in Kafka. */
    public static StateStoreKind kind(SourceConfig source) {
        return source.stateStore().orElse(source.strategy() == CaptureStrategy.log
                && source.log().offsetStore() == OffsetStore.kafka ? StateStoreKind.kafka : StateStoreKind.file);
    }

    void close(@Observes ShutdownEvent event) {
        topic.close();
    }
}
