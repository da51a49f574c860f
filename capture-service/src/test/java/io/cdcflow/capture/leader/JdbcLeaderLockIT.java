package io.cdcflow.capture.leader;

import io.cdcflow.capture.jdbc.TestDrivers;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader lock in the real source databases: one holder at a time; released when the holder goes away. */
class JdbcLeaderLockIT {

    static {
        TestDrivers.load();
    }

    @ParameterizedTest
    @EnumSource(value = DatabaseKind.class, names = {"postgresql", "mariadb"})
    void oneHolderAtATimeAndTheLockIsFreedWhenItsHolderLeaves(DatabaseKind kind) {
        SourceConfig source = source(Stack.up(), kind);
        String name = "lock-it-" + UUID.randomUUID();
        try (JdbcLeaderLock first = new JdbcLeaderLock(name, source);
             JdbcLeaderLock second = new JdbcLeaderLock(name, source);
             JdbcLeaderLock otherSource = new JdbcLeaderLock(name + "-other", source)) {
            assertThat(first.tryAcquire()).isTrue();
            assertThat(first.held()).isTrue();
            assertThat(second.tryAcquire()).isFalse();
            assertThat(second.held()).isFalse();
            assertThat(otherSource.tryAcquire()).as("locks are per source").isTrue();

            first.close();
            assertThat(first.held()).isFalse();
            assertThat(second.tryAcquire()).isTrue();
        }
    }

    /**
     * A holder that goes silent with its session still open (its host lost, its process frozen) loses the lock once
     * the session's idle timeout ends the session; a holder that keeps checking keeps it.
     */
    @ParameterizedTest
    @EnumSource(value = DatabaseKind.class, names = {"postgresql", "mariadb"})
    void aSilentHolderLosesTheLockAfterItsSessionTimeout(DatabaseKind kind) throws Exception {
        SourceConfig source = source(Stack.up(), kind);
        String name = "lock-it-" + UUID.randomUUID();
        Duration timeout = Duration.ofSeconds(2);
        try (JdbcLeaderLock checking = new JdbcLeaderLock(name + "-checked", source, timeout);
             JdbcLeaderLock silent = new JdbcLeaderLock(name, source, timeout);
             JdbcLeaderLock standby = new JdbcLeaderLock(name, source, timeout)) {
            assertThat(checking.tryAcquire()).isTrue();
            assertThat(silent.tryAcquire()).isTrue();
            assertThat(standby.tryAcquire()).isFalse();
            long start = System.nanoTime();
            boolean taken = false;
            while (!taken && System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
                Thread.sleep(500);
                assertThat(checking.held()).as("a holder that checks its session every 0.5 s keeps it").isTrue();
                taken = standby.tryAcquire();
            }
            assertThat(taken).as("the standby took the lock of the silent holder").isTrue();
            System.out.printf("leader lock (%s): a silent holder's lock was taken %.1f s after it went silent "
                    + "(session timeout %s)%n", kind, (System.nanoTime() - start) / 1e9, timeout);
            assertThat(silent.held()).isFalse();
            assertThat(checking.held()).isTrue();
        }
    }

    private static SourceConfig source(StackEndpoints stack, DatabaseKind kind) {
        String table = kind == DatabaseKind.postgresql ? "public.lock_it" : stack.get("CDC_MARIADB_DB") + ".lock_it";
        return CaptureConfigs.source(stack, "lockit", kind, table, Map.of());
    }
}
