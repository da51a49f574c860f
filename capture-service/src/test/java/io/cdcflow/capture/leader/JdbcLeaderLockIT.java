package io.cdcflow.capture.leader;

import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader lock in the real source databases: one holder at a time; released when the holder goes away. */
class JdbcLeaderLockIT {

    static {
        // DriverManager hands out only drivers of the caller's class loader; a @QuarkusTest that ran earlier in this
        // JVM registered its drivers from its own loader.
        try {
            Class.forName("org.postgresql.Driver");
            Class.forName("org.mariadb.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
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

    private static SourceConfig source(StackEndpoints stack, DatabaseKind kind) {
        String table = kind == DatabaseKind.postgresql ? "public.lock_it" : stack.get("CDC_MARIADB_DB") + ".lock_it";
        return CaptureConfigs.source(stack, "lockit", kind, table, Map.of());
    }
}
