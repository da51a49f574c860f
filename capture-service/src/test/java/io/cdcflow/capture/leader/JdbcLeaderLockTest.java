package io.cdcflow.capture.leader;

import io.cdcflow.capture.config.DatabaseKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The idle timeout of the lock's session: from the check interval, and the statement per server. */
class JdbcLeaderLockTest {

    @Test
    void threeMissedChecksAndAtLeastTenSeconds() {
        assertThat(JdbcLeaderLock.sessionTimeout(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(15));
        assertThat(JdbcLeaderLock.sessionTimeout(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(90));
        assertThat(JdbcLeaderLock.sessionTimeout(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theSessionTimeoutStatementPerServer() {
        assertThat(JdbcLeaderLock.sessionTimeoutStatement(DatabaseKind.postgresql, 15, Duration.ofSeconds(15)))
                .contains("SET idle_session_timeout = '15s'");
        assertThat(JdbcLeaderLock.sessionTimeoutStatement(DatabaseKind.postgresql, 13, Duration.ofSeconds(15)))
                .as("no idle_session_timeout before PostgreSQL 14").isEmpty();
        assertThat(JdbcLeaderLock.sessionTimeoutStatement(DatabaseKind.mariadb, 10, Duration.ofMillis(1500)))
                .as("whole seconds, rounded up").contains("SET SESSION wait_timeout = 2");
        assertThat(JdbcLeaderLock.sessionTimeoutStatement(DatabaseKind.mysql, 8, Duration.ofSeconds(15)))
                .contains("SET SESSION wait_timeout = 15");
    }
}
