package io.cdcflow.capture.source;

import io.cdcflow.capture.jdbc.TestDrivers;
import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.leader.JdbcLeaderLock;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capture failover without shared state: two packaged capture-service replicas ({@link PackagedCapture}, each a JVM
 * with its own empty state folder, log offsets in a Kafka topic) for one source, one capturing (the leader lock's
 * holder), one on standby. A writer commits single-row updates, deletes and inserts throughout. The leader is killed
 * ({@code kill -9}) twice:
 * <ol>
 *   <li>in the middle of a snapshot of the table (in small chunks; log: an incremental snapshot asked
 *   for with {@code POST /sources/{source}/snapshots}; trigger: its initial snapshot): the standby takes over, and
 *   the snapshot resumes (the standby does not read the table's first chunk again) and completes;</li>
 *   <li>the killed replica comes back (a new empty state folder) as the standby; one transaction inserts many rows;
 *   the leader is killed when a third of them are in Kafka; the standby takes over.</li>
 * </ol>
 * Then the rows read back from Kafka are compared with the source, key by key: every row of the large transaction
 * is in the topic, and a sink applying the whole topic by position holds exactly the table's rows and values.
 * Prints each takeover: kill to the lock taken (the standby's log), and kill to the first event the standby
 * published (the Kafka timestamp of the first record produced after the kill). Sizes:
 * {@code -Dcdc.it.failover-snapshot-rows} (default 40,000) and {@code -Dcdc.it.failover-tx-rows} (default 30,000).
 */
class CaptureFailoverIT {

    static {
        TestDrivers.load();
    }

    /**
     * Rows of the snapshot that is killed: enough that on an idle machine it outlasts the kill's conditions (a
     * tenth published and 1.2 s, see below) by seconds: on an idle 2-core machine the log strategy read 20,000 rows
     * in about 3 s (PostgreSQL) and 4 s (MariaDB), and 4,000 rows were over before the kill.
     */
    private static final int SNAPSHOT_ROWS = Integer.getInteger("cdc.it.failover-snapshot-rows", 40_000);
    private static final int TX_ROWS = Integer.getInteger("cdc.it.failover-tx-rows", 30_000);
    /**
     * Rows per snapshot chunk, so that the snapshot lasts long enough to be killed in: a log chunk costs a round trip
     * through the stream (its watermarks), longer on MariaDB; the trigger strategy (its batch size) reads faster.
     */
    private static final int LOG_CHUNK_POSTGRESQL = 20;
    private static final int LOG_CHUNK_MARIADB = 50;
    private static final int TRIGGER_CHUNK = 20;
    /** The writer's inserts, then the large transaction's rows, are numbered from here. */
    private static final long INSERTED_FIRST = 1_000_000;
    private static final long TX_FIRST = 2_000_000;
    private static final String TOOK_LOCK = "took the leader lock and starts capturing";
    private static final String STANDING_BY = "standing by";
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KillTarget.Case.class, names = {"LOG_POSTGRESQL", "LOG_MARIADB", "TRIGGER_POSTGRESQL", "TRIGGER_MARIADB"})
    void theStandbyTakesOverFromAKilledLeaderWithoutLoss(KillTarget.Case testCase) throws Exception {
        KillTarget target = KillTarget.of(testCase, "fo");
        int chunk = chunk(target);
        target.prepare();
        target.execute(target.insertRange(1, SNAPSHOT_ROWS));
        Map<String, String> properties = properties(target);
        List<Path> stateDirs = new ArrayList<>();
        List<PackagedCapture> replicas = new ArrayList<>();
        Writer writer = new Writer(target);
        boolean passed = false;
        try (Events events = new Events(target.topic());
             // Held without checks while the replicas start: its session's idle timeout must outlast that.
             JdbcLeaderLock held = new JdbcLeaderLock(target.source(), CaptureConfigs.source(Stack.up(), target.source(),
                     target.kind(), target.qualified(), Map.of()), Duration.ofMinutes(10))) {
            // Both replicas start while the test holds the source's lock, so both stand by; then it lets go.
            assertThat(held.tryAcquire()).isTrue();
            PackagedCapture a = start(target, properties, stateDirs, replicas);
            PackagedCapture b = start(target, properties, stateDirs, replicas);
            a.awaitLogLine(STANDING_BY, DEADLINE);
            b.awaitLogLine(STANDING_BY, DEADLINE);
            held.close();
            PackagedCapture leader = awaitLeader(a, b);
            PackagedCapture standby = leader == a ? b : a;
            leader.awaitCapturing(DEADLINE);
            writer.start();
            events.whilePolling(writer::check);
            // The writer's first event shows the stream is read, so the snapshot requested below starts at once: a
            // MariaDB source reports itself capturing before it took its binlog position, and a request written
            // before that position is acted on only once the stream began (written again, see SignalReplay).
            events.await(e -> !e.ids(1, Long.MIN_VALUE, Long.MAX_VALUE).isEmpty(), "the stream");

            // 1. Killed in the middle of a snapshot.
            if (target.strategy() == CaptureStrategy.log) {
                // A tenth published, then 1.2 s more, so that the offsets (committed every second) hold the
                // snapshot's progress. Kafka's end offsets, not the events read back, tell when: reading and parsing
                // them lags the publication by seconds on a fast machine, where the snapshot would be over by then.
                long published = events.endOffset();
                var answer = leader.post("/sources/" + target.source() + "/snapshots",
                        "{\"tables\":[\"" + target.qualified() + "\"]}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                events.awaitEndOffset(published + SNAPSHOT_ROWS / 10);
                Thread.sleep(1_200);
            } else {
                // Three chunks read (the trigger strategy saves its progress with each); its snapshot began when the
                // leader started.
                events.await(e -> e.snapshotReads() >= 3 * chunk, "the snapshot under way");
            }
            long killed = kill(leader);
            Takeover first = awaitTakeover(events, standby, killed);
            events.await(e -> e.snapshotReadIds(Long.MIN_VALUE, Long.MAX_VALUE).containsAll(writer.untouched()),
                    "the snapshot's end: every row the writer left alone read");
            assertThat(events.snapshotReadIds(Long.MIN_VALUE, killed).containsAll(writer.untouched()))
                    .as("the leader had read every row of the snapshot when it was killed").isFalse();
            Set<Long> readByStandby = events.snapshotReadIds(killed, Long.MAX_VALUE);
            assertThat(readByStandby).as("the snapshot was not over when its leader was killed: the standby read on")
                    .isNotEmpty();
            assertThat(readByStandby.stream().mapToLong(Long::longValue).min().orElseThrow())
                    .as("the standby resumed the snapshot instead of starting it over (its first chunk is ids 1 to %d)",
                            chunk)
                    .isGreaterThan(chunk);
            Set<Long> readTwice = new TreeSet<>(events.snapshotReadIds(Long.MIN_VALUE, killed));
            readTwice.retainAll(readByStandby);

            // 2. The killed replica comes back as the standby; the new leader is killed in a large transaction.
            PackagedCapture back = start(target, properties, stateDirs, replicas);
            back.awaitLogLine(STANDING_BY, DEADLINE);
            long published = events.endOffset();
            target.execute(target.insertRange(TX_FIRST, TX_FIRST + TX_ROWS - 1));
            // Kafka's end offsets show the publication sooner than reading the events would.
            events.awaitEndOffset(published + TX_ROWS / 3);
            long killedAgain = kill(standby);
            Takeover second = awaitTakeover(events, back, killedAgain);
            int beforeKill = events.ids(TX_FIRST, Long.MIN_VALUE, killedAgain).size();
            assertThat(beforeKill).as("the kill landed in the middle of the transaction's publication")
                    .isBetween(1, TX_ROWS - 1);
            events.await(e -> e.ids(TX_FIRST, Long.MIN_VALUE, Long.MAX_VALUE).size() >= TX_ROWS,
                    "every row of the large transaction");
            writer.stop();

            // Rows read back from Kafka against the source, key by key.
            Map<Long, String> table = target.names();
            assertThat(events.ids(TX_FIRST, Long.MIN_VALUE, Long.MAX_VALUE)).as("the large transaction's rows in Kafka")
                    .isEqualTo(table.keySet().stream().filter(id -> id >= TX_FIRST).collect(Collectors.toSet()));
            List<ConsumerRecord<byte[], byte[]>> records = events.awaitOrLast(e -> e.sink().equals(table));
            Map<Long, String> applied = events.sink();
            assertThat(differences(applied, table, events)).as("rows where a sink applying the topic by position differs "
                    + "from the table (id: sink / table / the row's events)").isEmpty();
            System.out.printf("capture failover (%s): killed in a snapshot of %d rows (%d read by the leader, %d by the "
                            + "standby, %d of them again): %s; killed with %d of a %d-row transaction in Kafka: %s; "
                            + "%d writer transactions; %d events read; every row of the source in Kafka%n", testCase,
                    SNAPSHOT_ROWS, events.snapshotReadIds(Long.MIN_VALUE, killed).size(), readByStandby.size(),
                    readTwice.size(), first, beforeKill, TX_ROWS, second, writer.transactions(), records.size());
            passed = true;
        } finally {
            writer.halt();
            for (PackagedCapture replica : replicas) {
                replica.close();
            }
            target.cleanUp();
            KafkaTestSupport.deleteTopics(offsetTopic(target), "cdcflow-capture-schema-history." + target.source(),
                    "__debezium-heartbeat." + target.source());
            if (!passed) {
                stateDirs.forEach(dir -> System.out.println("capture failover (" + testCase + "): a replica's log: "
                        + dir.resolve("service.log").toAbsolutePath()));
            }
        }
    }

    /** The first ten rows where {@code sink} differs from {@code table}, each with its events. */
    private static List<String> differences(Map<Long, String> sink, Map<Long, String> table, Events events) {
        Set<Long> ids = new TreeSet<>(sink.keySet());
        ids.addAll(table.keySet());
        return ids.stream().filter(id -> !java.util.Objects.equals(sink.get(id), table.get(id))).limit(10)
                .map(id -> id + ": " + sink.get(id) + " / " + table.get(id) + " / " + events.history(id)).toList();
    }

    private static int chunk(KillTarget target) {
        return target.strategy() == CaptureStrategy.trigger ? TRIGGER_CHUNK
                : target.postgres() ? LOG_CHUNK_POSTGRESQL : LOG_CHUNK_MARIADB;
    }

    /** The source's properties: offsets in a Kafka topic of this run, snapshots in small chunks. */
    private static Map<String, String> properties(KillTarget target) {
        Map<String, String> p = new HashMap<>(target.properties());
        String prefix = "cdc.capture.sources." + target.source() + ".";
        if (target.strategy() == CaptureStrategy.log) {
            p.put(prefix + "log.offset-store", "kafka");
            p.put(prefix + "log.offset-topic", offsetTopic(target));
            p.put(prefix + "log.snapshot-mode", "no_data");
            p.put(prefix + "log.incremental-snapshot-chunk-size", Integer.toString(chunk(target)));
        } else {
            p.put(prefix + "trigger.batch-size", Integer.toString(TRIGGER_CHUNK));
        }
        return p;
    }

    private static String offsetTopic(KillTarget target) {
        return "capture-offsets-" + target.source();
    }

    /** A replica with a new, empty state folder. */
    private static PackagedCapture start(KillTarget target, Map<String, String> properties, List<Path> stateDirs,
                                         List<PackagedCapture> replicas) throws Exception {
        // Under target/, kept after the run: the replicas' logs show where each takeover spent its time.
        Path state = Files.createDirectories(Path.of("target", "capture-failover")
                .resolve(target.source() + "-" + stateDirs.size()));
        stateDirs.add(state);
        PackagedCapture replica = PackagedCapture.start("failoverit", state, properties, "-Xmx256m");
        replicas.add(replica);
        return replica.awaitReady(DEADLINE);
    }

    /** The replica that took the lock once the test let go of it. */
    private static PackagedCapture awaitLeader(PackagedCapture a, PackagedCapture b) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            if (a.logLine(TOOK_LOCK).isPresent()) {
                return a;
            }
            if (b.logLine(TOOK_LOCK).isPresent()) {
                return b;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no replica took the leader lock; see " + a.log() + " and " + b.log());
    }

    /** {@code kill -9}; the wall-clock time just before it. */
    private static long kill(PackagedCapture leader) throws InterruptedException {
        long now = System.currentTimeMillis();
        leader.kill();
        return now;
    }

    /** How long the standby took after the kill: to the lock, and to its first event in Kafka. */
    record Takeover(long lockMs, long firstEventMs) {
        @Override
        public String toString() {
            return String.format("lock taken %.1f s and first event published %.1f s after the kill", lockMs / 1e3,
                    firstEventMs / 1e3);
        }
    }

    private static Takeover awaitTakeover(Events events, PackagedCapture standby, long killed) throws Exception {
        String line = standby.awaitLogLine(TOOK_LOCK, DEADLINE);
        // The log's time of day (HH:mm:ss.SSS, this machine's zone), on the day of the kill.
        long locked = LocalTime.parse(line.substring(0, 12)).atDate(LocalDate.now())
                .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        events.await(e -> e.firstProducedAtOrAfter(killed) > 0, "the standby's first event");
        return new Takeover(locked - killed, events.firstProducedAtOrAfter(killed) - killed);
    }



    /**
     * Single-row transactions on one connection, about 100 a second, until stopped: updates (a new name) and deletes
     * of the snapshotted rows, inserts of new ones; remembers which snapshotted rows it touched.
     */
    private static final class Writer {
        private final KillTarget target;
        private final Set<Long> touched = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile int transactions;
        private Thread thread;

        Writer(KillTarget target) {
            this.target = target;
        }

        void start() {
            thread = Thread.ofPlatform().name("failover-writer").start(() -> {
                try (Connection c = target.connect();
                     PreparedStatement insert = c.prepareStatement(target.insert());
                     PreparedStatement update = c.prepareStatement(target.update());
                     PreparedStatement delete = c.prepareStatement(target.delete())) {
                    for (int n = 0; !stop.get(); n++) {
                        long id = ThreadLocalRandom.current().nextLong(1, SNAPSHOT_ROWS + 1);
                        touched.add(id);
                        if (n % 10 == 9) {
                            delete.setLong(1, id);
                            delete.executeUpdate();
                        } else if (n % 10 == 4) {
                            insert.setLong(1, INSERTED_FIRST + n);
                            insert.setString(2, "new-" + n);
                            insert.executeUpdate();
                        } else {
                            update.setString(1, "w" + n);
                            update.setLong(2, id);
                            update.executeUpdate();
                        }
                        transactions = n + 1;
                        Thread.sleep(10);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
        }

        /** Fails when it stopped on an error (checked while waiting, so that a dead writer shows as such). */
        void check() {
            assertThat(failure.get()).as("the writer failed").isNull();
        }

        /** The snapshotted rows it has not touched (yet). */
        Set<Long> untouched() {
            Set<Long> rows = new TreeSet<>();
            for (long id = 1; id <= SNAPSHOT_ROWS; id++) {
                if (!touched.contains(id)) {
                    rows.add(id);
                }
            }
            return rows;
        }

        int transactions() {
            return transactions;
        }

        /** Stops it; fails when it failed. */
        void stop() throws InterruptedException {
            halt();
            assertThat(failure.get()).as("the writer failed").isNull();
        }

        /** Stops it, whatever happened to it (after a failure of the test). */
        void halt() throws InterruptedException {
            stop.set(true);
            if (thread != null) {
                thread.join(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * The topic from its beginning: each record, its producer timestamp, row id and event; and what a sink holds
     * after applying them by the position rule (the test writes no truncates).
     */
    private static final class Events implements AutoCloseable {
        private final TestKafka kafka = TestKafka.of(Stack.up());
        private final String topic;
        private final KafkaConsumer<byte[], byte[]> consumer;
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final List<ChangeEvent> parsed = new ArrayList<>();
        private int snapshotReads;
        private long firstSnapshotRead;
        private final Map<Long, ChangeEvent> held = new HashMap<>();
        private Runnable check = () -> { };

        Events(String topic) {
            this.topic = topic;
            consumer = kafka.subscribe(topic, Map.of(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        }

        /** Polls until {@code done} holds (then two seconds more, so that late duplicates show); what was read. */
        List<ConsumerRecord<byte[], byte[]>> await(Predicate<Events> done, String what) {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < end) {
                poll();
                if (done.test(this)) {
                    long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < settle) {
                        poll();
                    }
                    return List.copyOf(records);
                }
            }
            throw new AssertionError("timed out waiting for " + what + " after reading " + records.size() + " events");
        }

        /** Polls until {@code done} holds or the deadline passed; what was read either way. */
        List<ConsumerRecord<byte[], byte[]>> awaitOrLast(Predicate<Events> done) {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (System.nanoTime() < end && !done.test(this)) {
                poll();
            }
            return List.copyOf(records);
        }

        /** A row's events in topic order: operation, name, position, producer time. */
        List<String> history(long id) {
            List<String> h = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                ChangeEvent e = parsed.get(i);
                if (e.row().get("id").asLong() == id) {
                    h.add(e.op().code() + "(" + (e.after() == null ? "-" : e.after().get("name").asText()) + ")@"
                            + e.position() + "/t" + records.get(i).timestamp());
                }
            }
            return h;
        }

        /** The sum of the topic's end offsets: how many events were published. */
        long endOffset() {
            return kafka.endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
        }

        /** Waits until {@link #endOffset()} reaches {@code n}, checking every 20 ms. */
        void awaitEndOffset(long n) throws InterruptedException {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (endOffset() < n) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("fewer than " + n + " events in " + topic + " after " + DEADLINE);
                }
                Thread.sleep(20);
            }
        }

        /** Runs {@code check} at every poll (it fails the wait when something else went wrong meanwhile). */
        void whilePolling(Runnable check) {
            this.check = check;
        }

        private void poll() {
            check.run();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                ChangeEvent e = ChangeEventSerde.readValue(r.value()).event();
                assertThat(e.op()).as("no truncates in this test").isNotEqualTo(Op.TRUNCATE);
                // A streamed change marked as a snapshot read would sit below every change in the sinks (skipped).
                assertThat(e.op() == Op.READ || !e.source().isSnapshot())
                        .as("a streamed change is not marked as a snapshot read: %s", e).isTrue();
                records.add(r);
                parsed.add(e);
                if (e.op() == Op.READ) {
                    snapshotReads++;
                    if (firstSnapshotRead == 0) {
                        firstSnapshotRead = r.timestamp();
                    }
                }
                held.merge(e.row().get("id").asLong(), e, (old, now) -> now.position().isNewerThan(old.position()) ? now : old);
            }
        }

        /** What a sink applying the events by position holds: each live row's name by its id. */
        Map<Long, String> sink() {
            Map<Long, String> rows = new HashMap<>();
            held.forEach((id, e) -> {
                if (e.op() != Op.DELETE) {
                    rows.put(id, e.after().get("name").asText());
                }
            });
            return rows;
        }

        /** Ids of rows at or above {@code from} with an event produced in [{@code since}, {@code until}). */
        Set<Long> ids(long from, long since, long until) {
            Set<Long> ids = new TreeSet<>();
            for (int i = 0; i < records.size(); i++) {
                long ts = records.get(i).timestamp();
                long id = parsed.get(i).row().get("id").asLong();
                if (id >= from && ts >= since && ts < until) {
                    ids.add(id);
                }
            }
            return ids;
        }

        /** Ids of the rows with a snapshot read produced in [{@code since}, {@code until}). */
        Set<Long> snapshotReadIds(long since, long until) {
            Set<Long> ids = new TreeSet<>();
            for (int i = 0; i < records.size(); i++) {
                long ts = records.get(i).timestamp();
                if (parsed.get(i).op() == Op.READ && ts >= since && ts < until) {
                    ids.add(parsed.get(i).row().get("id").asLong());
                }
            }
            return ids;
        }

        /** The producer timestamp of the first snapshot read; 0 when none yet. */
        long firstSnapshotRead() {
            return firstSnapshotRead;
        }

        /** Snapshot reads read so far (a row read twice counts twice). */
        int snapshotReads() {
            return snapshotReads;
        }

        /** The producer timestamp of the first event produced at or after {@code time}; 0 when none yet. */
        long firstProducedAtOrAfter(long time) {
            return records.stream().mapToLong(ConsumerRecord::timestamp).filter(t -> t >= time).min().orElse(0);
        }

        @Override
        public void close() {
            consumer.close();
            kafka.close();
        }
    }
}
