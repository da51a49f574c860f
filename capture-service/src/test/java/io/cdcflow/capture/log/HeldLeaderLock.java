package io.cdcflow.capture.log;

import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.leader.JdbcLeaderLock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source's leader lock taken by a test before the service starts, so that the service stands by until the test
 * lets go: held without checks, its session's idle timeout long enough to outlast the service's start.
 */
final class HeldLeaderLock {

    private static final Map<String, JdbcLeaderLock> HELD = new ConcurrentHashMap<>();

    private HeldLeaderLock() {
    }

    /** Takes the lock of {@code source} (configured as {@code config}); fails when another instance holds it. */
    static void hold(String source, SourceConfig config) {
        JdbcLeaderLock lock = new JdbcLeaderLock(source, config, Duration.ofMinutes(10));
        if (!lock.tryAcquire()) {
            throw new IllegalStateException("another instance holds the leader lock of source " + source);
        }
        HELD.put(source, lock);
    }

    /** Lets the service take the lock of {@code source}; nothing when it is not held. */
    static void release(String source) {
        JdbcLeaderLock lock = HELD.remove(source);
        if (lock != null) {
            lock.close();
        }
    }
}
