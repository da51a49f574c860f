package io.cdcflow.capture.log;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes again the snapshot requests of a log-based source that its stream began too late to see. Debezium acts on
 * an {@code execute-snapshot} row only when it streams the row's insert, and a stream that takes a new position (a
 * first start, a takeover during the initial snapshot) begins after every row committed before that position. Each
 * request capture streams is marked seen in the signal table; once a record shows the position is taken, a
 * {@code log} probe is written, and when the stream reaches it, every request committed before it that is neither
 * marked nor seen in this run's stream is written again as a new row, which the stream then carries.
 *
 * <p>Created for one run of the engine: {@link #start} when its task starts (probes until a record arrives, with
 * backoff: a probe written before the position is lost), {@link #observe} for every record handed over, on the
 * engine's thread, and {@link #close} when the run ends. It owns one timer thread, which does all database work;
 * a failed write is tried again a few seconds later.
 */
final class SignalReplay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SignalReplay.class);
    private static final long MAX_PROBE_INTERVAL_MS = 30_000;
    private static final long FIRST_RETRY_DELAY_MS = 5_000;
    private static final long MAX_RETRY_DELAY_MS = 300_000;

    private final String name;
    private final SignalTable signals;
    private final String signalTopic;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> toMark = new ConcurrentLinkedQueue<>();
    private volatile boolean positionTaken;
    private volatile String finalProbe;
    private volatile List<String> unseenBeforeProbe = List.of();
    private volatile List<String> toReplay;
    private volatile boolean done;
    private long nextProbeAt;
    private long pausedUntil;
    private long probeInterval = 1_000;
    private long retryDelay = FIRST_RETRY_DELAY_MS;
    private ScheduledExecutorService timer;

    SignalReplay(String name, SignalTable signals, String signalTopic) {
        this.name = name;
        this.signals = signals;
        this.signalTopic = signalTopic;
    }

    /** Starts the timer that writes probes, marks the requests seen and writes the unseen ones again. */
    synchronized void start() {
        if (timer != null) {
            return;
        }
        nextProbeAt = System.currentTimeMillis() + probeInterval;
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("signal-replay-" + name).factory());
        timer.scheduleWithFixedDelay(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Notes a record the engine handed over: any record means the stream's position is taken; a streamed insert
     * into the signal table is a request Debezium acts on, or a probe.
     */
    void observe(SourceRecord record) {
        positionTaken = true;
        if (!signalTopic.equals(record.topic()) || !(record.value() instanceof Struct envelope)
                || envelope.schema().field("op") == null || !"c".equals(envelope.getString("op"))) {
            return;
        }
        Struct after = envelope.getStruct("after");
        if (after == null || after.schema().fields().size() < 2) {
            return;
        }
        // Debezium reads a signal row by column position: id, type, data.
        List<Field> columns = after.schema().fields();
        String id = String.valueOf(after.get(columns.get(0)));
        String type = String.valueOf(after.get(columns.get(1)));
        if (SignalTable.EXECUTE_SNAPSHOT.equals(type)) {
            seen.add(id);
            toMark.add(id);
        } else if (id.equals(finalProbe) && toReplay == null) {
            List<String> unseen = new ArrayList<>(unseenBeforeProbe);
            unseen.removeAll(seen);
            toReplay = unseen;
        }
    }

    private void tick() {
        if (System.currentTimeMillis() < pausedUntil) {
            return;
        }
        try {
            markSeen();
            if (done) {
                return;
            }
            if (!positionTaken) {
                long now = System.currentTimeMillis();
                if (now >= nextProbeAt) {
                    String probe = UUID.randomUUID().toString();
                    signals.probe(probe);
                    LOG.debugf("source %s: probe %s written, to learn when the stream began", name, probe);
                    probeInterval = Math.min(probeInterval * 2, MAX_PROBE_INTERVAL_MS);
                    nextProbeAt = now + probeInterval;
                }
            } else if (finalProbe == null) {
                writeFinalProbe();
            } else if (toReplay != null) {
                replay(toReplay);
                done = true;
            }
            retryDelay = FIRST_RETRY_DELAY_MS;
        } catch (SQLException e) {
            LOG.warnf("source %s: cannot write to the signal table %s (%s; the capture user needs SELECT, INSERT and "
                    + "UPDATE on it); trying again in %d s", name, signals.dataCollection(), e.getMessage(),
                    retryDelay / 1000);
            backOff();
        } catch (RuntimeException e) {
            LOG.errorf(e, "source %s: replaying the snapshot requests the stream began too late to see failed; trying "
                    + "again in %d s", name, retryDelay / 1000);
            backOff();
        }
    }

    /** Waits before the next attempt, twice as long as before each time (up to five minutes) until one succeeds. */
    private void backOff() {
        pausedUntil = System.currentTimeMillis() + retryDelay;
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
    }

    /**
     * Marks the requests streamed so far. Marked at once rather than once an offset past them is committed: a run
     * that stops before, and resumes from its last offset, streams them again; only a run that committed no offset
     * at all takes a new position, and one that snapshots reads the tables anyway. Later would instead have a
     * takeover soon after a request replay a request Debezium is already acting on.
     */
    private void markSeen() throws SQLException {
        Set<String> batch = new HashSet<>();
        for (String id = toMark.poll(); id != null; id = toMark.poll()) {
            batch.add(id);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            signals.markSeen(batch);
        } catch (SQLException e) {
            toMark.addAll(batch);
            throw e;
        }
    }

    /**
     * Lists the unseen requests, then writes the probe: every one committed after the position is taken arrives in
     * the stream before the probe does, so at the probe those still unseen were committed before the position.
     */
    private void writeFinalProbe() throws SQLException {
        List<String> unseen = signals.unseenSnapshotSignals();
        if (unseen.isEmpty()) {
            done = true;
            return;
        }
        // Known before it is written: the stream may bring it back before the insert returns.
        String probe = UUID.randomUUID().toString();
        probing(probe, unseen);
        try {
            signals.probe(probe);
        } catch (SQLException e) {
            finalProbe = null;
            throw e;
        }
        LOG.debugf("source %s: probe %s written after requests %s", name, probe, unseen);
    }

    /** Notes the probe about to be written after listing the {@code unseen} requests. */
    void probing(String probe, List<String> unseen) {
        unseenBeforeProbe = List.copyOf(unseen);
        finalProbe = probe;
    }

    /** Whether a record arrived, so the stream's position is taken. */
    boolean positionTaken() {
        return positionTaken;
    }

    /** The requests to write again, known once the stream reached the probe; null before. */
    List<String> toReplay() {
        return toReplay;
    }

    private void replay(List<String> unseen) throws SQLException {
        for (String id : unseen) {
            Optional<String> again = signals.replay(id);
            again.ifPresent(a -> LOG.infof("source %s: snapshot request %s was written before the stream began "
                    + "(a start or a takeover); written again as %s", name, id, a));
        }
    }

    /**
     * Stops the timer, then marks the requests streamed since its last tick (however the run ended: a request marked
     * at once is safe, see {@link #markSeen}, and one left unmarked would be read again by the next run).
     */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (!toMark.isEmpty()) {
            try {
                markSeen();
            } catch (SQLException e) {
                LOG.warnf("source %s: cannot mark the requests it streamed in %s (%s); the next run may take them "
                        + "again", name, signals.dataCollection(), e.getMessage());
            }
        }
    }
}
