package io.cdcflow.cache.it;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Points the sink at the real Kafka and Redis of the local stack ({@code Stack.up()}), with a consumer group, topic
 * pattern and key prefix of its own for this run, so it reads only this run's topics and writes only under this
 * run's prefix; each test then uses a source name of its own, so its keys share a prefix no other test writes.
 * Two tables get a per-table policy: {@link #TTL_SOURCE}'s {@code sessions} a row TTL, {@link #SELECT_SOURCE}'s
 * {@code users} a column selection.
 */
public class CacheSinkStackResource implements QuarkusTestResourceLifecycleManager {

    /** Unique to this run: prefix of every source name (and so of every topic) the tests use. */
    public static final String RUN = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    /** The sink's consumer group for this run. */
    public static final String GROUP = "cache-sink-" + RUN;
    /** The Redis key prefix for this run. */
    public static final String PREFIX = "cdcit-" + RUN;
    /** Source whose {@code sessions} table has a one-hour row TTL. */
    public static final String TTL_SOURCE = RUN + "ttl";
    /** Source whose {@code users} table keeps only {@code id} and {@code name}. */
    public static final String SELECT_SOURCE = RUN + "sel";

    static StackEndpoints endpoints;

    @Override
    public Map<String, String> start() {
        endpoints = Stack.up();
        return Map.of(
                "kafka.bootstrap.servers", endpoints.kafkaBootstrap(),
                "quarkus.redis.hosts", endpoints.redisUrl(),
                "cdc.sink.redis.key-prefix", PREFIX,
                "cdc.sink.redis.row-ttl.\"" + TTL_SOURCE + ".public.sessions\"", "1h",
                "cdc.sink.redis.fields.\"" + SELECT_SOURCE + ".public.users\"", "id,name",
                "cdc.sink.topics-pattern", "validated\\." + RUN + "[a-z0-9]*\\..*",
                "mp.messaging.incoming.changes.group.id", GROUP,
                "mp.messaging.incoming.changes.auto.commit.interval.ms", "500",
                "cdc.sink.retry.max-backoff", "2s");
    }

    /** Removes this run's keys: the stack's Redis is shared and outlives the run. */
    @Override
    public void stop() {
        if (endpoints == null) {
            return;
        }
        Vertx vertx = Vertx.vertx();
        try {
            RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, endpoints.redisUrl()));
            String cursor = "0";
            do {
                Response page = redis.scan(List.of(cursor, "MATCH", PREFIX + ":*", "COUNT", "1000"))
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                cursor = page.get(0).toString();
                List<String> keys = new ArrayList<>();
                page.get(1).forEach(k -> keys.add(k.toString()));
                if (!keys.isEmpty()) {
                    redis.del(keys).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
            } while (!"0".equals(cursor));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not remove the keys under " + PREFIX, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            vertx.close();
        }
    }
}
