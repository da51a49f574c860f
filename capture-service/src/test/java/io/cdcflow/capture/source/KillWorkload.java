package io.cdcflow.capture.source;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer of {@link CaptureKillIT}: transactions of three inserts, two updates (every fifth transaction updates
 * one row twice) and, every third transaction, a delete, from one connection, so commit order is program order. It
 * records each row's committed history (its versions, then whether it was deleted) for the assertions.
 */
final class KillWorkload {

    static final int TRANSACTIONS = 300;

    /** One committed change of a row: its operation and the version it left (for a delete, the version it removed). */
    record Change(Op op, int version) {
        @Override
        public String toString() {
            return op.code() + version;
        }
    }

    private final KillTarget target;
    private final Map<Long, List<Change>> histories = new ConcurrentHashMap<>();
    private volatile int changes;

    KillWorkload(KillTarget target) {
        this.target = target;
    }

    /** The row whose event shows that capture is live; not part of the histories (a snapshot may read it). */
    static final long PROBE = 0;

    /** Inserts the probe row. */
    void probe() throws Exception {
        try (Connection c = target.connect(); PreparedStatement insert = c.prepareStatement(target.insert())) {
            insert.setLong(1, PROBE);
            insert.setString(2, "probe");
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    void run() {
        Random random = new Random(42);
        List<Long> live = new ArrayList<>();
        long next = 1;
        try (Connection c = target.connect();
             PreparedStatement insert = c.prepareStatement(target.insert());
             PreparedStatement update = c.prepareStatement(target.update());
             PreparedStatement delete = c.prepareStatement(target.delete())) {
            c.setAutoCommit(false);
            for (int t = 0; t < TRANSACTIONS; t++) {
                List<Runnable> commitLog = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long id = next++;
                    insert(insert, id);
                    live.add(id);
                }
                for (int i = 0; i < 2; i++) {
                    long id = live.get(random.nextInt(live.size()));
                    int times = t % 5 == 0 && i == 0 ? 2 : 1;
                    for (int k = 0; k < times; k++) {
                        update.setString(1, "t" + t + "-" + k);
                        update.setLong(2, id);
                        assertThat(update.executeUpdate()).isEqualTo(1);
                        record(id, Op.UPDATE);
                    }
                }
                if (t % 3 == 2) {
                    long id = live.remove(random.nextInt(live.size()));
                    delete.setLong(1, id);
                    assertThat(delete.executeUpdate()).isEqualTo(1);
                    record(id, Op.DELETE);
                }
                c.commit();
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    private void insert(PreparedStatement insert, long id) throws Exception {
        insert.setLong(1, id);
        insert.setString(2, "row-" + id);
        assertThat(insert.executeUpdate()).isEqualTo(1);
        histories.put(id, new ArrayList<>(List.of(new Change(Op.CREATE, 0))));
        changes++;
    }

    private void record(long id, Op op) {
        List<Change> h = histories.get(id);
        int last = h.getLast().version();
        // A soft delete writes a new version; a hard delete removes the last one.
        h.add(new Change(op, op == Op.UPDATE || target.strategy() == io.cdcflow.capture.config.CaptureStrategy.timestamp ? last + 1 : last));
        changes++;
    }

    Map<Long, List<Change>> histories() {
        return histories;
    }

    int changes() {
        return changes;
    }

    /** The fewest events a complete capture publishes: every change (log, trigger), every row's last state (timestamp). */
    int expectedMinimumEvents() {
        return TRANSACTIONS * 3;
    }

    /** True once every row's last received event is its final committed change. */
    boolean finalStatesReached(Map<Long, List<ChangeEvent>> received) {
        if (received.size() < histories.size()) {
            return false;
        }
        for (var h : histories.entrySet()) {
            List<ChangeEvent> events = received.get(h.getKey());
            if (events == null || !change(events.getLast()).equals(h.getValue().getLast())) {
                return false;
            }
        }
        return true;
    }

    static Change change(ChangeEvent e) {
        return new Change(e.op(), (e.op() == Op.DELETE ? e.before() : e.after()).get("version").asInt());
    }

    /** Log and trigger capture: exactly the committed changes, in order, each update's and delete's before image the prior version. */
    static void assertExactly(long id, List<Change> committed, List<ChangeEvent> distinct) {
        assertThat(distinct.stream().map(KillWorkload::change).toList()).as("row %d: its changes", id).isEqualTo(committed);
        for (int i = 1; i < distinct.size(); i++) {
            ChangeEvent e = distinct.get(i);
            assertThat(e.before()).as("row %d: before image of %s", id, change(e)).isNotNull();
            assertThat(e.before().get("version").asInt()).as("row %d: before image of %s", id, change(e))
                    .isEqualTo(committed.get(i - 1).version());
        }
        assertThat(distinct.getFirst().before()).as("row %d: an insert has no before image", id).isNull();
    }

    /**
     * Timestamp capture: committed states in commit order (some skipped between polls), ending with the final one. A
     * state published again after the kill (read again before its watermark was saved) comes at a new, higher
     * position, right after its first publication; it counts once.
     */
    static void assertStatesInOrderEndingWithTheLast(long id, List<Change> committed, List<ChangeEvent> distinct) {
        List<Change> seen = new ArrayList<>();
        for (ChangeEvent e : distinct) {
            Change c = change(e);
            if (seen.isEmpty() || !seen.getLast().equals(c)) {
                seen.add(c);
            }
        }
        assertThat(committed).as("row %d: published states are committed ones", id).containsAll(seen);
        assertThat(seen.getLast()).as("row %d: its final state", id).isEqualTo(committed.getLast());
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).version()).as("row %d: states in commit order: %s", id, seen).isGreaterThan(seen.get(i - 1).version());
        }
        assertThat(seen.stream().filter(c -> c.op() == Op.CREATE).allMatch(c -> c.version() == 0))
                .as("row %d: only its first state is a create", id).isTrue();
    }
}
