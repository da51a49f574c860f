package io.cdcflow.router.consume;

import io.cdcflow.model.Json;
import io.cdcflow.router.config.RouterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Which tables the router does not route now, shared by every router instance and kept across restarts in a
 * compacted control topic ({@code cdc.router.control-topic}; key: the table's raw topic, value: a {@link TablePause},
 * or a tombstone when the table was resumed).
 *
 * <p>Lifecycle: {@link #start} (before the router's consumer starts) creates the topic when missing, reads it to its
 * end, and keeps following it on a thread of its own, so a pause decided by another instance or an operator reaches
 * this one within a poll; {@link #stop} at shutdown. {@link #pause} and {@link #resume} write to the topic and wait for
 * Kafka's acknowledgement.
 */
@ApplicationScoped
public class PausedTables {

    private static final Logger LOG = Logger.getLogger(PausedTables.class);

    private final RouterConfig config;
    private final MeterRegistry meters;
    private final Map<String, TablePause> paused = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> reader;
    private Thread follower;
    private volatile boolean running;

    PausedTables(RouterConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        meters.gaugeMapSize("cdc.router.tables.paused", List.of(), paused);
    }

    /** Creates the control topic if needed, loads it, and follows it. */
    void start(Map<String, Object> kafka) {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(config.controlTopic(), 1, (short) -1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
            LOG.infof("created the control topic %s", config.controlTopic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the control topic " + config.controlTopic() + ": "
                        + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating " + config.controlTopic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + config.controlTopic(), e);
        }
        producer = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        reader = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        follower = Thread.ofPlatform().name("router-control").daemon().start(this::follow);
        try {
            if (!loaded.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not read the control topic " + config.controlTopic()
                        + " to its end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + config.controlTopic(), e);
        }
        if (!paused.isEmpty()) {
            LOG.infof("paused tables: %s", paused.keySet());
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = reader.partitionsFor(config.controlTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (loaded.getCount() > 0 && end.entrySet().stream().allMatch(e -> reader.position(e.getKey()) >= e.getValue())) {
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.errorf(e, "stopped following the control topic %s", config.controlTopic());
        } finally {
            reader.close();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        String topic = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            if (paused.remove(topic) != null) {
                LOG.infof("table %s resumed", topic);
            }
            return;
        }
        try {
            TablePause p = TablePause.fromJson(Json.mapper().readTree(r.value()));
            if (paused.put(topic, p) == null) {
                LOG.warnf("table %s paused by %s: %s", topic, p.by(), p.reason());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("ignoring an unreadable record of %s at offset %d: %s", config.controlTopic(), r.offset(), e);
        }
    }

    /** True when the table of this raw topic is not to be routed now. */
    public boolean isPaused(String topic) {
        return paused.containsKey(topic);
    }

    /** Every paused table. */
    public Map<String, TablePause> all() {
        return Map.copyOf(paused);
    }

    /** Pauses a table for every router instance; returns once Kafka acknowledged it. */
    public void pause(TablePause pause) {
        send(pause.topic(), pause.toJson().toString().getBytes(StandardCharsets.UTF_8));
        paused.put(pause.topic(), pause);
        meters.counter("cdc.router.tables.pauses", "topic", pause.topic(), "by", pause.by()).increment();
    }

    /** Resumes a table for every router instance ({@code by}: who); returns once Kafka acknowledged it. */
    public void resume(String topic, String by) {
        send(topic, null);
        paused.remove(topic);
        meters.counter("cdc.router.tables.resumes", "topic", topic, "by", by).increment();
    }

    private void send(String topic, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(config.controlTopic(), topic.getBytes(StandardCharsets.UTF_8), value))
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the pause state of " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the pause state of " + topic, e);
        }
    }

    void stop() {
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
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
