package io.cdcflow.cache.redis;

import io.cdcflow.cache.config.RedisSinkConfig;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.TableRef;
import io.cdcflow.sink.ChangeBatches;
import io.cdcflow.sink.ChangeWriter;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.StoreUnavailableException;
import io.cdcflow.sink.WriteResult;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes changes to Redis, each row as a hash at {@code <prefix>:<source>.<namespace>.<table>:<row key>} holding
 * {@code row} (the row as JSON, restricted to the table's configured columns) and {@code pos} (its position), a
 * deleted row as the tombstone {@code {pos, deleted=1}} that expires after {@code cdc.sink.redis.tombstone-ttl}.
 * Every write goes through {@link ApplyScript}, which compares positions atomically in Redis.
 *
 * <p>Created once at start-up; owns no connection of its own (it borrows one from the Quarkus Redis client's pool
 * per pipeline) and loads the script on first use and again whenever Redis answers NOSCRIPT. A batch is
 * pipelined: all EVALSHA of up to {@code cdc.sink.redis.pipeline-size} changes are sent, then their replies awaited.
 * When {@link #write} returns, every change reported applied or stale is in Redis (durable as far as the server's
 * persistence settings make it), so the consumer may commit.
 *
 * <p>The row is stored exactly as the event carries it (Debezium's JSON encodings: dates as days, timestamps as
 * epoch micros, decimals as exact JSON numbers); no column type is needed for that, so this sink does not read the
 * schema registry.
 *
 * <p>Limits, by design: a tombstone that has expired no longer protects its row, so replaying a topic from further
 * back than {@code tombstone-ttl} can bring back a deleted row until the replay reaches its delete (the default 24 h
 * is safe for normal operation, where a sink is never a day behind, and far below Kafka's default 7-day retention a
 * full replay would start from; raise it before replaying an older backlog). A live row with a TTL that has expired
 * likewise no longer guards against older changes. The script reads the table's hash and the row's hash in one call,
 * so it needs a standalone (or replicated) Redis, not Redis Cluster, where the two may live on different nodes.
 */
@ApplicationScoped
public class RedisChangeWriter implements ChangeWriter {

    private static final Logger LOG = Logger.getLogger(RedisChangeWriter.class);
    private static final String REJECTED = MalformedEventException.Reason.REJECTED_BY_STORE.tag();
    private static final int SCRIPT_RELOADS = 2;

    private final Redis redis;
    private final RedisSinkConfig config;
    private final RedisKeys keys;
    private final long tombstoneTtlMillis;
    /** Each table's policy, read from the configuration once (one entry per table the sink has seen). */
    private final Map<TableRef, TablePolicy> policies = new ConcurrentHashMap<>();
    private volatile boolean scriptLoaded;

    RedisChangeWriter(Redis redis, RedisSinkConfig config) {
        this.redis = redis;
        this.config = config;
        this.keys = new RedisKeys(this.config.keyPrefix());
        this.tombstoneTtlMillis = this.config.tombstoneTtl().toMillis();
    }

    @Override
    public String store() {
        return "Redis";
    }

    @Override
    public WriteResult write(List<SinkChange> changes) {
        WriteResult.Builder out = new WriteResult.Builder();
        List<ChangeBatches.Segment> segments = ChangeBatches.segments(changes);
        for (int i = 0; i < segments.size(); i++) {
            Unwritten unwritten;
            try {
                unwritten = switch (segments.get(i)) {
                    case ChangeBatches.Rows rows -> writeRows(rows.changes(), out);
                    case ChangeBatches.Truncate t -> truncate(t.change(), out);
                };
            } catch (StoreUnavailableException e) {
                unwritten = new Unwritten(changesOf(segments.subList(i, i + 1)), e.getMessage());
            }
            if (unwritten != null) {
                // What follows a failed segment waits for it: a truncate must not overtake the rows before it.
                List<SinkChange> retry = new ArrayList<>(unwritten.changes());
                retry.addAll(changesOf(segments.subList(i + 1, segments.size())));
                out.retry(retry, unwritten.cause());
                break;
            }
        }
        return out.build();
    }

    /** Changes that could not be written because Redis was unavailable, and why. */
    private record Unwritten(List<SinkChange> changes, String cause) {
    }

    /** Writes a run of row changes, newest per row only; returns what Redis could not take, or null. */
    private Unwritten writeRows(List<SinkChange> changes, WriteResult.Builder out) {
        ChangeBatches.Latest latest = ChangeBatches.latestPerRow(changes);
        latest.superseded().forEach(out::superseded);
        List<SinkChange> kept = latest.kept();
        for (int from = 0; from < kept.size(); from += config.pipelineSize()) {
            int to = Math.min(kept.size(), from + config.pipelineSize());
            List<SinkChange> chunk = kept.subList(from, to);
            List<RedisReply> replies;
            try {
                replies = call(chunk.stream().map(c -> ApplyScript.rowRequest(keys, c,
                        policies.computeIfAbsent(c.table(), t -> TablePolicy.of(config, t)), tombstoneTtlMillis))
                        .toList());
            } catch (StoreUnavailableException e) {
                return new Unwritten(kept.subList(from, kept.size()), e.getMessage());
            }
            List<SinkChange> unwritten = new ArrayList<>();
            String cause = null;
            for (int i = 0; i < chunk.size(); i++) {
                SinkChange c = chunk.get(i);
                switch (replies.get(i)) {
                    case RedisReply.Answer a when a.response().toLong() == ApplyScript.APPLIED -> out.applied(c);
                    case RedisReply.Answer a -> out.stale(c);
                    case RedisReply.Rejected r -> out.deadLetter(c, REJECTED, r.message());
                    case RedisReply.Unavailable u -> {
                        unwritten.add(c);
                        cause = u.message();
                    }
                    case RedisReply.NoScript n -> {
                        unwritten.add(c);
                        cause = "Redis keeps forgetting the apply script";
                    }
                }
            }
            if (!unwritten.isEmpty()) {
                unwritten.addAll(kept.subList(to, kept.size()));
                return new Unwritten(unwritten, cause);
            }
        }
        return null;
    }

    /**
     * Applies a truncate as a delete of every row of the table at the truncate's position: first raises the table's
     * watermark (from then on no older change writes a row of it), then SCANs the table's keys and tombstones each
     * row older than the truncate. Each step is atomic per key, the whole is not: a reader may see the table half
     * truncated for a moment, and a retry after a failure simply runs every step again.
     */
    private Unwritten truncate(SinkChange change, WriteResult.Builder out) {
        TableRef table = change.table();
        String tableKey = keys.table(table);
        String position = change.position().sortKey();
        RedisReply mark = call(List.of(ApplyScript.truncateRequest(tableKey, null, position, tombstoneTtlMillis)))
                .getFirst();
        boolean raised;
        switch (mark) {
            case RedisReply.Answer a -> raised = a.response().toLong() == ApplyScript.APPLIED;
            case RedisReply.Rejected r -> {
                out.deadLetter(change, REJECTED, tableKey + ": " + r.message());
                return null;
            }
            case RedisReply.Unavailable u -> throw new StoreUnavailableException(u.message());
            case RedisReply.NoScript n ->
                    throw new StoreUnavailableException("Redis keeps forgetting the apply script");
        }
        long tombstoned = 0;
        String cursor = "0";
        do {
            Response page = await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH")
                    .arg(keys.rowPattern(table)).arg("COUNT").arg(config.scanCount())), "SCAN");
            cursor = page.get(0).toString();
            List<String> found = new ArrayList<>();
            page.get(1).forEach(k -> found.add(k.toString()));
            List<RedisReply> replies = call(found.stream()
                    .map(k -> ApplyScript.truncateRequest(tableKey, k, position, tombstoneTtlMillis)).toList());
            for (int i = 0; i < found.size(); i++) {
                switch (replies.get(i)) {
                    case RedisReply.Answer a -> tombstoned += a.response().toLong();
                    case RedisReply.Rejected r ->
                            LOG.warnf("truncate of %s: key %s is not a row hash, left as is (%s)", table, found.get(i),
                                    r.message());
                    case RedisReply.Unavailable u -> throw new StoreUnavailableException(u.message());
                    case RedisReply.NoScript n ->
                            throw new StoreUnavailableException("Redis keeps forgetting the apply script");
                }
            }
        } while (!"0".equals(cursor));
        if (raised) {
            out.applied(change);
        } else {
            out.stale(change);
        }
        LOG.infof("truncate of %s at position %s: %d rows tombstoned", table, position, tombstoned);
        return null;
    }

    /** Sends the script calls in one pipeline and sorts the replies; loads the script again on NOSCRIPT. */
    private List<RedisReply> call(List<Request> requests) {
        if (!scriptLoaded) {
            loadScript();
        }
        List<RedisReply> replies = new ArrayList<>(pipeline(requests));
        for (int reload = 0; reload < SCRIPT_RELOADS; reload++) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < replies.size(); i++) {
                if (replies.get(i) instanceof RedisReply.NoScript) {
                    missing.add(i);
                }
            }
            if (missing.isEmpty()) {
                break;
            }
            LOG.infof("Redis lost the apply script (restart or SCRIPT FLUSH): loading it again");
            loadScript();
            // The script never ran for these (NOSCRIPT), so calling them again cannot apply anything twice.
            List<RedisReply> again = pipeline(missing.stream().map(requests::get).toList());
            for (int j = 0; j < missing.size(); j++) {
                replies.set(missing.get(j), again.get(j));
            }
        }
        return replies;
    }

    /**
     * All requests on one connection, written at once ({@code batch}: one write, no hand-over to the event loop per
     * command), then all replies, within {@code cdc.sink.redis.timeout}. A batch fails as a whole when any reply is an
     * error; the apply script answers a row's own faults as values, so an error reply is about the server (NOSCRIPT
     * after a restart, OOM, READONLY, LOADING...), which refuses a script before running it: the requests are then
     * sent one by one to sort each reply.
     */
    private List<RedisReply> pipeline(List<Request> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        RedisConnection connection = await(redis.connect(), "connect");
        try {
            List<Response> answers = connection.batch(requests).toCompletionStage().toCompletableFuture()
                    .get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
            return answers.stream().map(RedisReply::of).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrorType) {
                return oneByOne(connection, requests, System.nanoTime() + config.timeout().toNanos());
            }
            return unavailable(requests, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            return unavailable(requests, "no reply from Redis within the timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(requests, "interrupted while waiting for Redis");
        } finally {
            connection.close();
        }
    }

    private static List<RedisReply> oneByOne(RedisConnection connection, List<Request> requests, long deadline) {
        List<Future<Response>> sent = requests.stream().map(connection::send).toList();
        List<RedisReply> replies = new ArrayList<>(sent.size());
        for (Future<Response> f : sent) {
            replies.add(reply(f, deadline));
        }
        return replies;
    }

    private static List<RedisReply> unavailable(List<Request> requests, String message) {
        return requests.stream().<RedisReply>map(r -> new RedisReply.Unavailable(message)).toList();
    }

    private static RedisReply reply(Future<Response> future, long deadline) {
        try {
            Response r = future.toCompletionStage().toCompletableFuture()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return RedisReply.of(r);
        } catch (ExecutionException e) {
            return RedisReply.failure(e);
        } catch (TimeoutException e) {
            return new RedisReply.Unavailable("no reply from Redis within the timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RedisReply.Unavailable("interrupted while waiting for Redis");
        }
    }

    private void loadScript() {
        String sha = await(redis.send(ApplyScript.loadRequest()), "SCRIPT LOAD").toString();
        if (!ApplyScript.SHA.equals(sha)) {
            throw new IllegalStateException("Redis named the apply script " + sha + ", expected " + ApplyScript.SHA);
        }
        if (!scriptLoaded) {
            LOG.infof("apply script loaded into Redis as %s", sha);
        }
        scriptLoaded = true;
    }

    /** Waits for one command; any failure means Redis is unavailable (the callers send nothing record-specific). */
    private <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture()
                    .get(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new StoreUnavailableException(what + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException(what + ": no reply from Redis within " + config.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for Redis (" + what + ")");
        }
    }

    private static List<SinkChange> changesOf(List<ChangeBatches.Segment> segments) {
        List<SinkChange> out = new ArrayList<>();
        for (ChangeBatches.Segment s : segments) {
            switch (s) {
                case ChangeBatches.Rows rows -> out.addAll(rows.changes());
                case ChangeBatches.Truncate t -> out.add(t.change());
            }
        }
        return out;
    }
}
