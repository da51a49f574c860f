package io.cdcflow.capture.leader;

import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        boolean pg = kind == DatabaseKind.postgresql;
        String host = stack.get(pg ? "CDC_SOURCE_PG_HOST" : "CDC_MARIADB_HOST");
        int port = Integer.parseInt(stack.get(pg ? "CDC_SOURCE_PG_PORT" : "CDC_MARIADB_PORT"));
        String db = stack.get(pg ? "CDC_SOURCE_PG_DB" : "CDC_MARIADB_DB");
        String user = stack.get(pg ? "CDC_SOURCE_PG_USER" : "CDC_MARIADB_USER");
        String password = stack.get(pg ? "CDC_SOURCE_PG_PASSWORD" : "CDC_MARIADB_PASSWORD");
        Map<String, Object> values = Map.of("kind", kind, "host", host, "port", port, "database", db, "user", user,
                "password", password);
        // A proxy, so that options added to SourceConfig later need no change here.
        return (SourceConfig) Proxy.newProxyInstance(SourceConfig.class.getClassLoader(), new Class<?>[]{SourceConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "toString" -> "source " + values;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> values.containsKey(method.getName()) ? values.get(method.getName())
                            : method.getReturnType() == Optional.class ? Optional.empty()
                            : method.getReturnType() == List.class ? List.of()
                            : method.getReturnType() == Map.class ? Map.of() : null;
                });
    }
}
