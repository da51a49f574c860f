package io.cdcflow.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A compacted control topic: one partition, the latest record per key is what counts, a tombstone (null value)
 * removes its key. Operators' decisions live in such topics (the router's and the sinks' table pauses), so every
 * instance of a service sees them and they survive restarts.
 *
 * <p>Lifecycle: created with the service's Kafka settings (only the ones each client knows are passed on).
 * {@link #create} makes the topic when it is missing. {@link #follow} reads it from its beginning on a thread of its
 * own and keeps following it, handing every record to a {@link Listener}; {@link #awaitLoaded} blocks until the
 * history has been read to the end it had when following began. {@link #write} sends a record (creating the topic
 * first if need be) and waits for Kafka's acknowledgement; {@link #readAll} reads the topic to its end once, without following. {@link #close} stops the
 * follower and closes the clients.
 */
public final class ControlTopic implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlTopic.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String topic;
    private final Map<String, Object> kafka;
    /** The largest record value it takes (0: Kafka's defaults, about 1 MB). */
    private final int maxRecordBytes;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile KafkaConsumer<byte[], byte[]> follower;
    private volatile boolean running;
    private volatile boolean exists;
    private Thread thread;

    /** What a follower does with each record, on the follower's thread. */
    @FunctionalInterface
    public interface Listener {

        /**
         * One record: its key as UTF-8 text, its value (null: the key was removed), its offset, and whether it
         * arrived after the history was read ({@code live}: a decision taken now rather than one read back).
         */
        void record(String key, byte[] value, long offset, boolean live);
    }

    /** The control topic {@code topic} of the Kafka that {@code kafka} (client settings) points at. */
    public ControlTopic(String topic, Map<String, Object> kafka) {
        this(topic, kafka, 0);
    }

    /**
     * A control topic whose records may be as large as {@code maxRecordBytes} (its {@code max.message.bytes} when it
     * creates the topic, and its producer's limits, compressed with lz4); 0 keeps Kafka's defaults.
     */
    public ControlTopic(String topic, Map<String, Object> kafka, int maxRecordBytes) {
        this.topic = topic;
        this.kafka = Map.copyOf(kafka);
        this.maxRecordBytes = maxRecordBytes;
    }

    public String name() {
        return topic;
    }

    /**
     * Creates the topic when it is missing (one partition, compacted, the broker's replication factor). A topic of
     * that name that exists but is not compacted is refused: Kafka would delete what it holds.
     *
     * @return true when it was created now
     * @throws IllegalStateException when Kafka refuses or does not answer in time, or the topic is not compacted
     */
    public boolean create() {
        try (Admin admin = Admin.create(only(AdminClientConfig.configNames()))) {
            Map<String, String> configs = new HashMap<>(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            if (maxRecordBytes > 0) {
                configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes));
            }
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1).configs(configs))).all().get(30, TimeUnit.SECONDS);
                LOG.infof("created the control topic %s", topic);
                exists = true;
                return true;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String policy = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
                throw new IllegalStateException("the control topic " + topic + " exists with cleanup.policy=" + policy
                        + ", which would delete what it holds; it must be compact (delete the topic, or alter it)");
            }
            exists = true;
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the control topic " + topic + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating the control topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the control topic " + topic, e);
        }
    }

    /**
     * Starts following the topic from its beginning on a daemon thread named {@code threadName}, waiting for the topic
     * to exist (and for Kafka to answer) first. A later failure of the follower is logged and ends it; what it read
     * stays with the listener.
     */
    public void follow(String threadName, Listener listener) {
        Map<String, Object> settings = only(ConsumerConfig.configNames());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Asking for a missing topic must not make a broker with auto.create.topics.enable create it not compacted.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        follower = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name(threadName).daemon().start(() -> follow(listener));
    }

    private void follow(Listener listener) {
        KafkaConsumer<byte[], byte[]> consumer = follower;
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                try {
                    partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // Kafka is away (a service may start before it): ask again rather than give up following.
                    LOG.warnf("Kafka did not answer for the control topic %s; asking again", topic);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        LOG.warnf("ignoring a record of %s at offset %d: it has no key", topic, r.offset());
                        continue;
                    }
                    listener.record(new String(r.key(), StandardCharsets.UTF_8), r.value(), r.offset(),
                            loaded.getCount() == 0);
                }
                if (loaded.getCount() > 0 && readTo(consumer, end)) {
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "stopped following the control topic %s; changes to it are not seen until a restart", topic);
        } finally {
            consumer.close();
        }
    }

    /** Whether the follower has read the history to its end. */
    public boolean loaded() {
        return loaded.getCount() == 0;
    }

    /** Waits up to {@code timeout} for the follower to read the history to its end; false when it has not. */
    public boolean awaitLoaded(Duration timeout) {
        try {
            return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the control topic " + topic, e);
        }
    }

    /**
     * Writes {@code value} (null: removes the key) under {@code key}, creating the topic first when this instance has
     * not seen it exist; returns once Kafka acknowledged the record.
     */
    public void write(String key, byte[] value) {
        if (!exists) {
            create();
        }
        try {
            producer().send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the record " + key + " for " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        }
    }

    /** The latest value of every key that has one, read to the topic's end once; empty when the topic does not exist. */
    public Map<String, byte[]> readAll() {
        Map<String, byte[]> out = new HashMap<>();
        Map<String, Object> settings = only(ConsumerConfig.configNames());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
            if (infos == null) {
                return out;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!readTo(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + WAIT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        out.remove(key);
                    } else {
                        out.put(key, r.value());
                    }
                }
            }
        }
        return out;
    }

    private static boolean readTo(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> settings = only(ProducerConfig.configNames());
                    settings.put(ProducerConfig.ACKS_CONFIG, "all");
                    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    if (maxRecordBytes > 0) {
                        // The producer checks a record's size before compressing it; the topic, after.
                        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
                        settings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * maxRecordBytes));
                        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
                    }
                    producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    /** The settings a client of this kind knows (the services' maps also hold other clients' settings). */
    private Map<String, Object> only(java.util.Set<String> names) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (names.contains(k)) {
                settings.put(k, v);
            }
        });
        return settings;
    }

    /** Stops the follower (waiting up to 5 s for it) and closes the producer. */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> consumer = follower;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
