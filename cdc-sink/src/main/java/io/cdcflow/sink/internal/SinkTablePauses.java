package io.cdcflow.sink.internal;

import io.cdcflow.model.SinkPause;
import io.cdcflow.sink.SinkConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The tables this sink does not apply now: its records of the compacted sink control topic
 * ({@code cdc.sink.control-topic}, {@link SinkPause}), followed by every instance of the sink on a thread of its own
 * from the start of the topic. The topic is created when missing. The consumer waits for the topic to be read to its
 * end before its first batch ({@link #awaitLoaded}), so a pause survives restarts; a resume is handed to the listener
 * set with {@link #onResume}.
 */
@ApplicationScoped
public class SinkTablePauses {

    private static final Logger LOG = Logger.getLogger(SinkTablePauses.class);

    private final SinkConfig config;
    private final Map<String, Object> kafka;
    private final Map<String, SinkPause> paused = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Consumer<String> resumed = topic -> { };
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> reader;
    private Thread follower;

    SinkTablePauses(SinkConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry meters) {
        this.config = config;
        this.kafka = kafka;
        meters.gaugeMapSize("cdc.sink.tables.paused", List.of(), paused);
    }

    void start(@Observes StartupEvent event) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                settings.put(k, v);
            }
        });
        createTopicIfMissing(settings);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        reader = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        follower = Thread.ofPlatform().name("sink-control").daemon().start(this::follow);
    }

    private void createTopicIfMissing(Map<String, Object> settings) {
        try (Admin admin = Admin.create(settings)) {
            admin.createTopics(List.of(new NewTopic(config.controlTopic(), 1, (short) -1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
            LOG.infof("created the sink control topic %s", config.controlTopic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warnf("cannot create the sink control topic %s (%s); following it when it exists",
                        config.controlTopic(), e.getCause());
            }
        } catch (TimeoutException e) {
            LOG.warnf("Kafka did not answer while creating %s; following it when it answers", config.controlTopic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                partitions = reader.partitionsFor(config.controlTopic(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (loaded.getCount() > 0 && end.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue())) {
                    loaded.countDown();
                    LOG.infof("sink control topic %s read; paused tables: %s", config.controlTopic(), paused.keySet());
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.errorf(e, "stopped following the sink control topic %s; pauses and resumes are not seen until a restart",
                    config.controlTopic());
        } finally {
            reader.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        var names = SinkPause.readKey(r.key());
        if (names.isEmpty()) {
            LOG.warnf("ignoring a record of %s at offset %d: its key is not <sink>|<topic>", config.controlTopic(),
                    r.offset());
            return;
        }
        if (!names.get()[0].equals(config.name())) {
            return; // another sink's
        }
        String topic = names.get()[1];
        boolean live = loaded.getCount() == 0; // the history read at start-up is summed up once it is read
        if (r.value() == null) {
            if (paused.remove(topic) != null && live) {
                LOG.infof("table %s resumed: reading it again from its first change not applied", topic);
                resumed.accept(topic);
            }
            return;
        }
        SinkPause.read(r.key(), r.value()).ifPresentOrElse(p -> {
            if (paused.put(topic, p) == null && live) {
                LOG.warnf("table %s paused by %s: %s", topic, p.by(), p.reason());
            }
        }, () -> LOG.warnf("ignoring an unreadable record of %s at offset %d", config.controlTopic(), r.offset()));
    }

    /** Whether the control topic was read to its end once. */
    boolean loaded() {
        return loaded.getCount() == 0;
    }

    /** Blocks until the control topic was read to its end once (at start-up), logging while it waits. */
    void awaitLoaded() {
        try {
            while (!loaded.await(30, TimeUnit.SECONDS)) {
                LOG.warnf("waiting to read the sink control topic %s before applying changes", config.controlTopic());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + config.controlTopic(), e);
        }
    }

    /** Whether the table of this validated topic is paused for this sink now. */
    boolean isPaused(String topic) {
        return paused.containsKey(topic);
    }

    /** Sets what to do when a table is resumed (called on the follower's thread). */
    void onResume(Consumer<String> listener) {
        this.resumed = listener;
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (reader != null) {
            reader.wakeup();
        }
        if (follower != null) {
            try {
                follower.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
