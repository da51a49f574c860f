package io.cdcflow.capture.source;

import io.cdcflow.capture.leader.LeaderLock;
import io.cdcflow.capture.source.CaptureRunner.SourceState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The life of one supervised source: restarts with backoff, leadership, a lost lock session, repairs, stop. */
class SourceSupervisorTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final SourceSupervisor.Timing FAST = new SourceSupervisor.Timing(Duration.ofMillis(20),
            Duration.ofMillis(160), Duration.ofMillis(20));

    private final Counter errors = new SimpleMeterRegistry().counter("cdc.capture.errors", "source", "s");
    private final List<ScriptedSource> created = new CopyOnWriteArrayList<>();
    private final List<Set<String>> repairs = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private SourceSupervisor supervisor;

    @AfterEach
    void stop() throws InterruptedException {
        if (supervisor != null) {
            supervisor.stop();
        }
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis());
            assertThat(t.isAlive()).as("supervisor thread ended").isFalse();
        }
    }

    @Test
    void aFailingSourceIsStartedAgainWithDoublingBackoffAndItsFailureShownAndCounted() {
        List<Long> startedAt = new CopyOnWriteArrayList<>();
        start(FAST, Optional.empty(), () -> {
            startedAt.add(System.nanoTime());
            throw new IllegalStateException("source s: database gone");
        });
        await().atMost(DEADLINE).until(() -> startedAt.size() >= 6);
        assertThat(errors.count()).isGreaterThanOrEqualTo(5);
        assertThat(supervisor.state()).isIn(SourceState.FAILED, SourceState.STARTING);
        await().atMost(DEADLINE).until(() -> supervisor.failure().isPresent());
        assertThat(supervisor.failure()).contains("source s: database gone");
        // waits of 20, 40, 80, 160, 160 ms: each at least its backoff, and never more than the longest one by much
        for (int i = 1; i < 5; i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(startedAt.get(i) - startedAt.get(i - 1));
            long backoff = Math.min(20L << (i - 1), 160);
            assertThat(gap).as("wait before start %d", i + 1).isGreaterThanOrEqualTo(backoff);
        }
    }

    @Test
    void aSourceThatRunsAgainAfterAFailureIsRunningWithNoFailureShown() {
        AtomicInteger runs = new AtomicInteger();
        start(FAST, Optional.empty(), () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first run fails");
            }
            return ScriptedSource.Outcome.BLOCK;
        });
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        assertThat(supervisor.failure()).isEmpty();
        assertThat(errors.count()).isEqualTo(1);
        assertThat(created).hasSize(2);
        assertThat(created.get(0).closed()).isFalse(); // it failed on its own; the supervisor did not need to close it
    }

    @Test
    void aSourceThatStopsOnItsOwnIsStartedAgainWithoutCountingAnError() {
        AtomicInteger runs = new AtomicInteger();
        start(FAST, Optional.empty(), () -> runs.incrementAndGet() < 3 ? ScriptedSource.Outcome.RETURN
                : ScriptedSource.Outcome.BLOCK);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING && runs.get() == 3);
        assertThat(errors.count()).isZero();
    }

    @Test
    void withoutTheLeaderLockTheSourceStandsByAndStartsOnceItIsTaken() throws InterruptedException {
        TestLock lock = new TestLock(false);
        start(FAST, Optional.of(lock), () -> ScriptedSource.Outcome.BLOCK);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.STANDBY);
        Thread.sleep(100);
        assertThat(created.get(0).runs()).as("runs while another instance holds the lock").isZero();
        lock.free.set(true);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        assertThat(created.get(0).runs()).isEqualTo(1);
    }

    @Test
    void aLostLockSessionStopsTheSourceUntilTheLockIsTakenAgain() {
        TestLock lock = new TestLock(true);
        start(FAST, Optional.of(lock), () -> ScriptedSource.Outcome.BLOCK);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        lock.free.set(false);
        lock.lose();
        await().atMost(DEADLINE).until(() -> created.get(0).closed());
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.STANDBY);
        assertThat(created).as("no source runs while the lock is lost").allMatch(s -> s.closed() || s.runs() == 0);
        lock.free.set(true);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        assertThat(created.getLast().runs()).isEqualTo(1);
    }

    @Test
    void aRepairStopsTheSourceRecordsTheRepairAndStartsANewSourceAtOnce() {
        start(FAST, Optional.empty(), () -> ScriptedSource.Outcome.BLOCK);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        supervisor.requestRepair(List.of("public.a", "public.b"));
        await().atMost(DEADLINE).until(() -> created.size() == 2 && supervisor.state() == SourceState.RUNNING);
        assertThat(created.get(0).closed()).isTrue();
        assertThat(repairs).containsExactly(Set.of("public.a", "public.b"));
        assertThat(errors.count()).isZero();
    }

    @Test
    void aRepairCutsAFailedSourcesBackoffShort() {
        SourceSupervisor.Timing slow = new SourceSupervisor.Timing(Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofMillis(20));
        AtomicBoolean fail = new AtomicBoolean(true);
        start(slow, Optional.empty(), () -> {
            if (fail.get()) {
                throw new IllegalStateException("source s: slot lost");
            }
            return ScriptedSource.Outcome.BLOCK;
        });
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.FAILED);
        fail.set(false);
        long asked = System.nanoTime();
        supervisor.requestRepair(List.of("public.a"));
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(30));
        assertThat(repairs).containsExactly(Set.of("public.a"));
    }

    @Test
    void aRepairThatCannotBeRecordedIsKeptAndTheSourceGoesOn() {
        AtomicInteger attempts = new AtomicInteger();
        supervisor = new SourceSupervisor("s", source(() -> ScriptedSource.Outcome.BLOCK),
                () -> source(() -> ScriptedSource.Outcome.BLOCK), Optional.empty(), FAST, tables -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("disk full");
            }
            repairs.add(tables);
        }, errors);
        run();
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        supervisor.requestRepair(List.of("public.a"));
        await().atMost(DEADLINE).until(() -> created.size() == 2 && supervisor.state() == SourceState.RUNNING);
        assertThat(repairs).as("the failed record is not lost: the next run records it").isEmpty();
        supervisor.requestRepair(List.of("public.b"));
        await().atMost(DEADLINE).until(() -> !repairs.isEmpty());
        assertThat(repairs).containsExactly(Set.of("public.a", "public.b"));
    }

    @Test
    void stopClosesTheRunningSourceAndEndsTheSupervisor() throws InterruptedException {
        start(FAST, Optional.empty(), () -> ScriptedSource.Outcome.BLOCK);
        await().atMost(DEADLINE).until(() -> supervisor.state() == SourceState.RUNNING);
        supervisor.stop();
        threads.getFirst().join(DEADLINE.toMillis());
        assertThat(supervisor.state()).isEqualTo(SourceState.STOPPED);
        assertThat(created).hasSize(1);
        assertThat(created.getFirst().closed()).isTrue();
    }

    @Test
    void aFailureIsDescribedByItsInnermostMessageThatNamesTheSource() {
        Exception wrapped = new RuntimeException("engine error",
                new IllegalStateException("source s: replication slot is gone", new IOException("eof")));
        assertThat(SourceSupervisor.describe(wrapped)).isEqualTo("source s: replication slot is gone");
        assertThat(SourceSupervisor.describe(new IOException("connection refused"))).isEqualTo("connection refused");
    }

    private void start(SourceSupervisor.Timing timing, Optional<LeaderLock> lock, ScriptedSource.Script script) {
        supervisor = new SourceSupervisor("s", source(script), () -> source(script), lock, timing, repairs::add, errors);
        run();
    }

    private void run() {
        Thread t = Thread.ofPlatform().name("supervisor").start(supervisor);
        threads.add(t);
    }

    private ScriptedSource source(ScriptedSource.Script script) {
        ScriptedSource s = new ScriptedSource(script);
        created.add(s);
        return s;
    }

    /** A source whose run follows a script: it fails, returns, or captures until it is closed. */
    private static final class ScriptedSource implements ChangeSource {

        enum Outcome { RETURN, BLOCK }

        @FunctionalInterface
        interface Script {
            Outcome next() throws Exception;
        }

        private final Script script;
        private final CountDownLatch closed = new CountDownLatch(1);
        private final AtomicInteger runs = new AtomicInteger();
        private volatile boolean capturing;

        ScriptedSource(Script script) {
            this.script = script;
        }

        @Override
        public String name() {
            return "s";
        }

        @Override
        public boolean capturing() {
            return capturing;
        }

        @Override
        public void run() throws Exception {
            runs.incrementAndGet();
            if (script.next() == Outcome.BLOCK) {
                capturing = true;
                closed.await();
                capturing = false;
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }

        boolean closed() {
            return closed.getCount() == 0;
        }

        int runs() {
            return runs.get();
        }
    }

    /** A leader lock another instance holds until {@link #free} is set; its session can be lost. */
    private static final class TestLock implements LeaderLock {

        final AtomicBoolean free;
        private volatile boolean held;

        TestLock(boolean free) {
            this.free = new AtomicBoolean(free);
        }

        @Override
        public boolean tryAcquire() {
            held = free.get();
            return held;
        }

        @Override
        public boolean held() {
            return held;
        }

        void lose() {
            held = false;
        }

        @Override
        public void close() {
            held = false;
        }
    }
}
