package io.cdcflow.warehouse.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Op;
import io.cdcflow.model.TableRef;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.WriteResult;
import io.cdcflow.testkit.Stack;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.ColumnType.Kind;
import io.cdcflow.warehouse.schema.RowTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;

import static io.cdcflow.warehouse.TestEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times {@link PostgresChangeWriter} against the stack's warehouse: 50,000 changes (50% inserts, 40% updates, 10%
 * deletes over 4,000 keys, positions increasing) in batches of 500, on one table of six typed columns. Prints
 * changes per second, the sink thread's CPU and the warehouse backend's CPU per change, and writes them to
 * {@code target/writer-bench.txt}; it asserts only that every change was applied, never a timing. Runs only with
 * {@code -Dcdc.bench=true}.
 */
@EnabledIfSystemProperty(named = "cdc.bench", matches = "true")
class PostgresChangeWriterBenchIT {

    private static final int CHANGES = Integer.getInteger("cdc.bench.changes", 50_000);
    private static final int BATCH = Integer.getInteger("cdc.bench.batch", 500);
    private static final int KEYS = 4_000;

    @Test
    void applyFiftyThousandChangesInBatchesOfFiveHundred() throws Exception {
        String run = "b" + UUID.randomUUID().toString().substring(0, 6);
        try (WriterHarness h = new WriterHarness(Stack.up(), "bench_")) {
            TableRef t = h.table(run, "orders");
            Map<String, List<ColumnType>> cols = new LinkedHashMap<>();
            cols.put("id", List.of(ColumnType.of(Kind.BIGINT)));
            cols.put("customer", List.of(ColumnType.of(Kind.TEXT)));
            cols.put("qty", List.of(ColumnType.of(Kind.INTEGER)));
            cols.put("price", List.of(new ColumnType(Kind.NUMERIC, "numeric(10,2)", 2)));
            cols.put("placed_at", List.of(ColumnType.of(Kind.TIMESTAMPTZ)));
            cols.put("attrs", List.of(ColumnType.of(Kind.JSON_TEXT)));
            Map<String, ColumnType> types = new LinkedHashMap<>();
            cols.forEach((name, type) -> types.put(name, type.getFirst()));
            h.schemas.put(1, new RowTypes(1, types));

            Random random = new Random(7);
            List<SinkChange> all = new ArrayList<>();
            for (int i = 0; i < CHANGES; i++) {
                int roll = random.nextInt(10);
                Op op = roll < 5 ? Op.CREATE : roll < 9 ? Op.UPDATE : Op.DELETE;
                long id = 1 + random.nextInt(KEYS);
                ObjectNode img = row("id", id, "customer", "customer " + random.nextInt(1000), "qty", random.nextInt(100),
                        "price", BigDecimal.valueOf(random.nextInt(1_000_000), 2),
                        "placed_at", Instant.ofEpochSecond(1_700_000_000L + i).toString(),
                        "attrs", "{\"channel\": \"web\", \"n\": " + i + "}");
                all.add(h.change(t, op, 1_000 + i, row("id", id), img, OptionalInt.of(1)));
            }

            int pid = h.backendPid();
            long backendBefore = backendTicks(pid);
            var threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            int applied = 0;
            int stale = 0;
            for (int i = 0; i < all.size(); i += BATCH) {
                WriteResult r = h.writer.write(all.subList(i, Math.min(all.size(), i + BATCH)));
                assertThat(r.deadLetters()).isEmpty();
                assertThat(r.complete()).isTrue();
                applied += r.applied().size();
                stale += r.skippedStale().size() + r.superseded().size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double sinkCpu = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
            long backendTicks = backendTicks(pid) - backendBefore;
            double backendCpu = backendTicks / 100.0; // USER_HZ

            List<String> counts = h.strings("SELECT (SELECT count(*) FROM " + h.names(t).currentSql() + ") || '/'"
                    + " || (SELECT count(*) FROM " + h.names(t).historySql() + ")");
            String report = String.format(java.util.Locale.ROOT,
                    "writer bench: %d changes in batches of %d over %d keys: %.2f s, %.0f changes/s;"
                            + " applied %d, stale %d; current/history rows %s;"
                            + " sink thread CPU %.2f s (%.1f us/change); warehouse backend %d CPU %.2f s (%.1f us/change)%n",
                    CHANGES, BATCH, KEYS, seconds, CHANGES / seconds, applied, stale, counts.getFirst(),
                    sinkCpu, sinkCpu * 1e6 / CHANGES, pid, backendCpu, backendCpu * 1e6 / CHANGES);
            System.out.print(report);
            Files.writeString(Path.of("target", "writer-bench.txt"), report,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            assertThat(applied + stale).isEqualTo(CHANGES);
            h.drop(run);
        }
    }

    /** utime + stime of a process, in clock ticks; -1 when /proc does not show it. */
    private static long backendTicks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return -1;
        }
    }
}
