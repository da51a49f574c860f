package io.cdcflow.cache.it;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The stack's Kafka, but a Redis server of this test's own (the same {@code redis-server} the stack runs, with an
 * append-only file fsynced on every write, in a temporary folder), so that the test can stop it and start it again
 * without taking the shared Redis away from anyone else.
 */
public class PrivateRedisResource implements QuarkusTestResourceLifecycleManager {

    /** Unique to this run: prefix of the source names (and so of the topics) the outage test uses. */
    public static final String RUN = "ot" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    /** The sink's consumer group for this run. */
    public static final String GROUP = "cache-sink-" + RUN;

    static StackEndpoints endpoints;
    private static int port;
    private static Path dir;
    private static Process redis;

    @Override
    public Map<String, String> start() {
        endpoints = Stack.up();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
            dir = Files.createTempDirectory("cache-sink-redis");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startRedis();
        return Map.of(
                "kafka.bootstrap.servers", endpoints.kafkaBootstrap(),
                "quarkus.redis.hosts", "redis://127.0.0.1:" + port,
                "quarkus.redis.timeout", "2s",
                "cdc.sink.redis.timeout", "2s",
                "cdc.sink.topics-pattern", "validated\\." + RUN + "[a-z0-9]*\\..*",
                "mp.messaging.incoming.changes.group.id", GROUP,
                "mp.messaging.incoming.changes.auto.commit.interval.ms", "500",
                "cdc.sink.retry.max-backoff", "1s");
    }

    /** Starts the private Redis on its port, over the data it had, and waits until it answers. */
    static synchronized void startRedis() {
        try {
            redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                    "--daemonize", "no").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + " (see " + dir + "/redis.log)");
    }

    /** Stops the private Redis (SIGTERM: it flushes its append-only file and exits). */
    static synchronized void stopRedis() {
        redis.destroy();
        try {
            if (!redis.waitFor(20, TimeUnit.SECONDS)) {
                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        if (redis != null && redis.isAlive()) {
            stopRedis();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
