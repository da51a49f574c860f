package io.cdcflow.router.consume;

import io.cdcflow.retry.Backoff;
import io.cdcflow.router.config.RouterConfig;
import io.cdcflow.router.route.ChangeRouter;
import io.cdcflow.router.route.Decision;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * The router's Kafka loop, on a thread of its own. Created at start-up (after {@link PausedTables} has loaded the
 * paused tables), it subscribes to the raw topics (a pattern, cooperative rebalancing) and repeats: poll a batch,
 * route each record in partition order ({@link ChangeRouter}), send what the decisions write, wait until Kafka
 * acknowledged every send, and only then commit, per partition, the offset after the last record routed.
 *
 * <p>A paused table's partitions are paused in the consumer and positioned at the first record not routed, so that
 * nothing after it is committed or skipped; other tables flow on. A pause decided here (an incompatible schema change
 * under the pause policy) stops the table at the record that caused it and is written to the control topic for the
 * other instances; a pause or resume from elsewhere takes effect before the next poll. When Kafka refuses a send,
 * nothing of the batch is committed: the consumer goes back to the last committed offsets and the batch is routed
 * again after a backoff (the sinks are idempotent). Stopped at shutdown, after the batch in hand.
 */
@ApplicationScoped
public class RouterLoop {

    private static final Logger LOG = Logger.getLogger(RouterLoop.class);

    private final ChangeRouter router;
    private final PausedTables paused;
    private final RouterConfig config;
    private final Set<TopicPartition> pausedHere = new HashSet<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private final MeterRegistry meters;
    private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
    private Thread thread;
    private Pattern topics;
    private volatile boolean running;
    private volatile boolean healthy = true;

    RouterLoop(ChangeRouter router, PausedTables paused, RouterConfig config, MeterRegistry meters) {
        this.router = router;
        this.meters = meters;
        this.paused = paused;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        topics = topicsPattern();
        Map<String, Object> common = KafkaProperties.of(ConfigProvider.getConfig());
        paused.start(common);
        Map<String, Object> c = new HashMap<>(common);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // While the registry is away a batch waits as long as it takes; the consumer must stay in its group.
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofHours(1).toMillis());
        // A crashed instance holds its partitions until its session times out (45 s by Kafka's default); heartbeats
        // come from the client's own thread, so a slow batch does not end a session, and 10 s bounds the stall.
        c.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        c.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> p = new HashMap<>(common);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        // The clients' own metrics (consumer lag, sends...), as Quarkus binds them for the clients it creates.
        clientMetrics.add(new KafkaClientMetrics(consumer));
        clientMetrics.add(new KafkaClientMetrics(producer));
        clientMetrics.forEach(m -> m.bindTo(meters));
        running = true;
        thread = Thread.ofPlatform().name("router-loop").start(this::run);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        paused.stop();
        clientMetrics.forEach(KafkaClientMetrics::close);
    }

    /** False once the loop has stopped on an error it cannot recover from (liveness). */
    public boolean healthy() {
        return healthy && (thread == null || thread.isAlive() || !running);
    }

    private void run() {
        Backoff backoff = new Backoff(config.registry().initialBackoff(), config.registry().maxBackoff());
        try {
            consumer.subscribe(topics, new Rebalance());
            while (running) {
                applyPauses();
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(250));
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    route(batch);
                    backoff.reset();
                } catch (KafkaException | ExecutionException e) {
                    LOG.warnf("Kafka did not take what a batch routes (%s); routing it again from the last commit", e);
                    rewind(batch.partitions());
                    backoff.pause();
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            healthy = false;
            LOG.errorf(e, "the router loop stopped");
        } finally {
            consumer.close(Duration.ofSeconds(10));
            producer.close(Duration.ofSeconds(10));
        }
    }

    private Pattern topicsPattern() {
        try {
            return Pattern.compile(config.topicsPattern());
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalStateException("cdc.router.topics-pattern: not a regular expression: " + e.getDescription(), e);
        }
    }

    /** Routes one batch, waits for every send, then commits what was routed. */
    private void route(ConsumerRecords<byte[], byte[]> batch) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> routed = new HashMap<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (TopicPartition tp : batch.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
                if (paused.isPaused(tp.topic())) {
                    holdAt(tp, r.offset());
                    break;
                }
                Decision d = router.route(r.topic(), r.partition(), r.offset(), r.key(), r.value(),
                        r.headers().lastHeader("cdc.redrive.count") != null);
                if (d instanceof Decision.Pause p) {
                    paused.pause(new TablePause(p.topic(), p.reason(), java.time.Instant.now(), "router-service",
                            p.subject(), p.pendingSchema()));
                    holdAt(tp, r.offset());
                    break;
                }
                if (d instanceof Decision.Write w) {
                    carryRedrive(r, w);
                    sends.add(producer.send(new ProducerRecord<>(w.topic(), null, w.key(), w.value(), w.headers())));
                }
                routed.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
            send.get();
        }
        if (!routed.isEmpty()) {
            consumer.commitSync(routed);
        }
    }

    /**
     * A record an operator sent back from the dead-letter topic carries {@code cdc.redrive.count} and
     * {@code cdc.redrive.at}: they go on with it, to its validated topic or back to the dead-letter topic, so that the
     * count keeps growing when it fails again and the console's cap ends a loop.
     */
    static void carryRedrive(ConsumerRecord<byte[], byte[]> read, Decision.Write write) {
        for (org.apache.kafka.common.header.Header h : read.headers()) {
            if (h.key().startsWith("cdc.redrive.") && write.headers().lastHeader(h.key()) == null) {
                write.headers().add(h.key(), h.value());
            }
        }
    }

    /** Stops reading a partition at {@code offset}, the first record of a paused table not routed. */
    private void holdAt(TopicPartition tp, long offset) {
        consumer.seek(tp, offset);
        consumer.pause(List.of(tp));
        pausedHere.add(tp);
    }

    /** Pauses the assigned partitions of paused tables, resumes those of tables no longer paused. */
    private void applyPauses() {
        List<TopicPartition> pause = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            if (paused.isPaused(tp.topic()) && pausedHere.add(tp)) {
                pause.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        List<TopicPartition> resume = new ArrayList<>();
        pausedHere.removeIf(tp -> {
            if (!paused.isPaused(tp.topic())) {
                resume.add(tp);
                return true;
            }
            return false;
        });
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            LOG.infof("routing %s again", resume);
        }
    }

    /** Goes back to the last committed offset of each partition, so a failed batch is routed again. */
    private void rewind(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null) {
                consumer.seek(tp, at.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** Keeps the consumer's pauses in step with the partitions it owns. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            pausedHere.removeAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            pausedHere.removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> pause = partitions.stream().filter(tp -> paused.isPaused(tp.topic())).toList();
            if (!pause.isEmpty()) {
                consumer.pause(pause);
                pausedHere.addAll(pause);
            }
        }
    }
}
