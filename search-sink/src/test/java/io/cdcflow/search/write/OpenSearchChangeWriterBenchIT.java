package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.WriteResult;
import io.cdcflow.testkit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times {@link OpenSearchChangeWriter} against the stack's OpenSearch: 50,000 changes (50% inserts, 40% updates,
 * 10% deletes over 4,000 keys, positions increasing, rows of about 200 characters with a registered schema) in
 * batches of 500, after a warm-up of 10,000 changes on another index. Prints changes per second, the sink's CPU
 * per change (the calling thread, and the whole test JVM: the client's I/O threads, GC and JIT included),
 * OpenSearch's CPU per change (utime + stime of its process and children, from {@code /proc}) and the index's
 * refresh, get, indexing and merge counts and times, and appends them to {@code target/writer-bench.txt}; it asserts only that every
 * change was applied or found stale, never a timing. Runs only with {@code -Dcdc.bench=true}; {@code
 * -Dcdc.bench.refresh-interval=1s,5s} runs once per value, each on a new index given that refresh interval, and
 * {@code -Dcdc.bench.max-actions}, {@code -Dcdc.bench.batch} and {@code -Dcdc.bench.changes} change the sizes;
 * {@code -Dcdc.bench.rate=500} offers the changes at that many per second instead of as fast as they go, which is
 * where a periodic refresh costs most per change (OpenSearch's CPU is then given less what it used in the 10 s
 * before the run, idle).
 */
@EnabledIfSystemProperty(named = "cdc.bench", matches = "true")
class OpenSearchChangeWriterBenchIT {

    private static final int CHANGES = Integer.getInteger("cdc.bench.changes", 50_000);
    private static final int WARM_UP = Integer.getInteger("cdc.bench.warm-up", 10_000);
    private static final int BATCH = Integer.getInteger("cdc.bench.batch", 500);
    private static final int MAX_ACTIONS = Integer.getInteger("cdc.bench.max-actions", 1000);
    private static final int RATE = Integer.getInteger("cdc.bench.rate", 0);
    private static final int KEYS = 4_000;
    private static final long IDLE_MS = 10_000;
    private static final String ROW = """
            {"type":"object","additionalProperties":false,"required":["id"],"properties":{
              "id":{"type":"integer","connect.type":"int64"},
              "customer":{"type":["string","null"],"connect.type":"string"},
              "email":{"type":["string","null"],"connect.type":"string"},
              "qty":{"type":"integer","connect.type":"int32"},
              "price":{"type":"number","connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                       "connect.parameters":{"scale":"2","connect.decimal.precision":"10"}},
              "placed_at":{"type":"integer","connect.type":"int64","connect.name":"io.debezium.time.MicroTimestamp"},
              "status":{"type":["string","null"],"connect.type":"string"},
              "note":{"type":["string","null"],"connect.type":"string"}}}""";

    @Test
    void applyFiftyThousandChangesInBatchesOfFiveHundred() throws Exception {
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        OpenSearchSinkConfig.Bulk bulk = new OpenSearchSinkConfig.Bulk() {
            public int maxActions() {
                return MAX_ACTIONS;
            }

            public long maxBytes() {
                return 10_000_000;
            }
        };
        try (WriterHarness h = new WriterHarness(Stack.up(), prefix, bulk)) {
            h.schemas.put(1, RowSchema.ofJsonSchemaRow(1, Json.mapper().readTree(ROW)));
            try {
                run(h, new TableRef("bench", "public", "warmup"), WARM_UP, "", false);
                String[] refreshes = System.getProperty("cdc.bench.refresh-interval", "").split(",", -1);
                for (int r = 0; r < refreshes.length; r++) {
                    run(h, new TableRef("bench", "public", "orders" + r), CHANGES, refreshes[r].strip(), true);
                }
            } finally {
                h.deleteIndices();
            }
        }
    }

    private static void run(WriterHarness h, TableRef t, int count, String refresh,
                            boolean measured) throws Exception {
        Random random = new Random(7);
        List<SinkChange> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(10);
            Op op = roll < 5 ? Op.CREATE : roll < 9 ? Op.UPDATE : Op.DELETE;
            long id = 1 + random.nextInt(KEYS);
            ObjectNode row = JsonNodeFactory.instance.objectNode().put("id", id)
                    .put("customer", "customer " + random.nextInt(1000))
                    .put("email", "customer" + random.nextInt(1000) + "@example.com")
                    .put("qty", random.nextInt(100))
                    .put("price", BigDecimal.valueOf(random.nextInt(1_000_000), 2))
                    .put("placed_at", (1_700_000_000L + i) * 1_000_000L)
                    .put("status", op == Op.CREATE ? "new" : "shipped")
                    .put("note", "leave at the door, ring twice " + Long.toHexString(random.nextLong()));
            all.add(h.change(t, op, 1_000 + i, JsonNodeFactory.instance.objectNode().put("id", id), row,
                    OptionalInt.of(1)));
        }
        String rowChars = String.valueOf(all.getFirst().event().after().toString().length());

        // The index exists before the clock starts, so that the counts are of this run's writes only.
        h.writer.write(List.of(all.getFirst()));
        String index = h.indices.indexFor(t);
        if (!refresh.isEmpty()) {
            h.call("PUT", "/" + index + "/_settings", "{\"index\":{\"refresh_interval\":\"" + refresh + "\"}}");
        }
        // The node's own pid (the stack's run/opensearch.pid names the same process).
        int pid = h.call("GET", "/_nodes/_local/process", null).path("nodes").elements().next()
                .path("process").path("id").asInt();
        long osBefore = ticks(pid);
        double idleTicksPerSecond = 0;
        if (RATE > 0) {
            // At a fixed rate OpenSearch's own background work (other indices, cluster tasks) is a fair share of
            // its CPU per change: measured for a while before, and taken off.
            long idleBefore = ticks(pid);
            Thread.sleep(IDLE_MS);
            idleTicksPerSecond = (ticks(pid) - idleBefore) * 1000.0 / IDLE_MS;
        }
        System.gc(); // the garbage of building the changes is not the writer's
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long threadBefore = threads.getCurrentThreadCpuTime();
        long processBefore = os.getProcessCpuTime();
        JsonNode statsBefore = h.call("GET", "/" + index + "/_stats/refresh,indexing,get,merge,flush", null);
        long start = System.nanoTime();
        int applied = 0;
        int stale = 0;
        for (int i = 1; i < all.size(); i += BATCH) {
            if (RATE > 0) {
                long due = start + (long) (i * 1e9 / RATE);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            WriteResult r = h.writer.write(all.subList(i, Math.min(all.size(), i + BATCH)));
            assertThat(r.deadLetters()).isEmpty();
            assertThat(r.complete()).isTrue();
            applied += r.applied().size();
            stale += r.skippedStale().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double threadCpu = (threads.getCurrentThreadCpuTime() - threadBefore) / 1e9;
        double processCpu = (os.getProcessCpuTime() - processBefore) / 1e9;
        double osCpu = (ticks(pid) - osBefore - idleTicksPerSecond * seconds) / 100.0; // USER_HZ
        JsonNode statsAfter = h.call("GET", "/" + index + "/_stats/refresh,indexing,get,merge,flush", null);
        assertThat(applied + stale).isEqualTo(count - 1);
        if (!measured) {
            return;
        }
        int n = count - 1;
        String line = String.format(Locale.ROOT,
                "writer bench: %d changes in batches of %d (bulk max-actions %d, refresh_interval %s, rate %s) over %d keys,"
                        + " rows of %s chars:"
                        + " %.2f s, %.0f changes/s; applied %d, stale %d;"
                        + " sink thread CPU %.2f s (%.1f us/change), sink JVM CPU %.2f s (%.1f us/change);"
                        + " OpenSearch %d CPU %.2f s (%.1f us/change%s); index %s%n",
                n, BATCH, MAX_ACTIONS, refresh.isEmpty() ? "as created" : refresh, RATE > 0 ? RATE + "/s" : "unbounded", KEYS, rowChars, seconds, n / seconds, applied, stale,
                threadCpu, threadCpu * 1e6 / n, processCpu, processCpu * 1e6 / n,
                pid, osCpu, osCpu * 1e6 / n, RATE > 0 ? String.format(Locale.ROOT,
                        ", less its idle %.1f ticks/s", idleTicksPerSecond) : "", counts(statsBefore, statsAfter));
        System.out.print(line);
        Files.writeString(Path.of("target", "writer-bench.txt"), line, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * Refreshes (all, external), realtime gets, index operations, noops and merges of the run, and the time the
     * shard spent indexing, getting, refreshing, merging and flushing, from two _stats answers: the index's own
     * share of the node's work, which other users of a shared node do not blur as they blur its process CPU.
     */
    private static String counts(JsonNode before, JsonNode after) {
        StringBuilder out = new StringBuilder();
        for (String[] f : new String[][]{{"refresh", "total"}, {"refresh", "external_total"}, {"get", "total"},
                {"indexing", "index_total"}, {"indexing", "noop_update_total"}, {"merges", "total"},
                {"indexing", "index_time_in_millis"}, {"get", "time_in_millis"},
                {"refresh", "total_time_in_millis"}, {"merges", "total_time_in_millis"},
                {"flush", "total_time_in_millis"}}) {
            long delta = total(after, f) - total(before, f);
            out.append(f[0]).append('.').append(f[1]).append(' ').append(delta).append(' ');
        }
        return out.toString().trim();
    }

    private static long total(JsonNode stats, String[] field) {
        return stats.path("_all").path("primaries").path(field[0]).path(field[1]).asLong();
    }

    /** utime + stime + cutime + cstime of a process, in clock ticks; -1 when /proc does not show it. */
    private static long ticks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (Exception e) {
            return -1;
        }
    }
}
