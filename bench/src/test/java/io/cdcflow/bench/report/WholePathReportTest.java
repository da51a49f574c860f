package io.cdcflow.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcflow.bench.stats.LatencySummary;

class WholePathReportTest {

    private static final List<String> OURS = List.of("capture-service", "schema-registry", "router-service", "warehouse-sink");

    private static BenchResults.WholePath sample() {
        // 20,001 changes in 10 s: 0.5 cores for 10 s is 250 µs per change.
        var ours = new BenchResults.PathRun("cdcflow", 20_001, true, 10_000, 2_000,
                Map.of("capture-service", 0.5, "schema-registry", 0.0, "router-service", 0.4, "warehouse-sink", 0.3,
                        "kafka", 0.2, "pg-store", 0.3), OURS, 480, new LatencySummary(600, 300, 500, 700, 900), 998, 0, "ours");
        var shipped = new BenchResults.PathRun("debezium-jdbc", 20_001, true, 25_000, 6_000,
                Map.of("kafka-connect", 0.9, "kafka", 0.1, "pg-store", 0.4), List.of("kafka-connect"), 700, null,
                Double.NaN, 0, "as shipped");
        var tuned = new BenchResults.PathRun("debezium-jdbc-tuned", 20_001, true, 16_000, 6_000,
                Map.of("kafka-connect", 1.0, "kafka", 0.1, "pg-store", 0.3), List.of("kafka-connect"), 650,
                new LatencySummary(600, 400, 800, 1200, 1500), 1001, 2, "tuned");
        var broken = new BenchResults.PathRun("other", 20_001, false, 300_000, -1, Map.of(), List.of(), Double.NaN, null,
                Double.NaN, 0, "incomplete");
        return new BenchResults.WholePath(20_001, 1_000, List.of(ours, shipped, tuned, broken), "method");
    }

    private static BenchResults results(BenchResults.WholePath w) {
        var machine = new BenchResults.Machine(2, 8000, "1.00 1.00 1.00", "2.00 1.50 1.00", "OpenJDK 25", "Linux", "-Xmx384m");
        BenchResults r = new BenchResults("2026-12-06T14:00:00Z", "bin/bench --quick --only wholepath", machine, List.of(),
                List.of(), List.of(), null, List.of(), Map.of(), w, List.of());
        return new BenchResults(r.startedAt(), r.command(), machine, List.of(), List.of(), List.of(), null, List.of(), Map.of(), w,
                Targets.evaluate(r));
    }

    @Test
    void ratesRatiosAndCpuPerChangeComeFromTheBacklogAndEachPathsTime() {
        BenchResults.PathRun ours = sample().path("cdcflow");
        assertThat(ours.changesPerSecond()).isEqualTo(2_000.1);
        assertThat(ours.afterFirstPerSecond()).isEqualTo(20_001 / 8.0);
        assertThat(ours.cpuMicrosPerChange("capture-service")).isCloseTo(249.99, org.assertj.core.data.Offset.offset(0.01));
        // capture 0.5 + registry 0 + router 0.4 + sink 0.3 cores over 10 s: 600 µs per change; Kafka and the warehouse not in it.
        assertThat(ours.pathCpuMicrosPerChange()).isCloseTo(599.97, org.assertj.core.data.Offset.offset(0.01));
        assertThat(sample().path("other").changesPerSecond()).isNaN();
    }

    @Test
    void theTargetsCompareWithBothReferences() {
        Map<String, BenchResults.Target> targets = new java.util.HashMap<>();
        results(sample()).targets().forEach(t -> targets.put(t.name(), t));
        var shipped = targets.get("whole path source → warehouse vs Debezium PostgreSQL + JDBC sink connectors");
        assertThat(shipped.measured()).isEqualTo("2.50× (2,000 vs 800 changes/s)");
        assertThat(shipped.met()).isTrue();
        var tuned = targets.get("whole path source → warehouse vs Debezium PostgreSQL + JDBC sink connectors with capture's"
                + " producer settings and poll interval and the sink's batching options");
        assertThat(tuned.measured()).isEqualTo("1.60× (2,000 vs 1,250 changes/s)");
        assertThat(tuned.met()).isFalse();
    }

    @Test
    void withoutTheWholePathTheTargetReadsNotMeasured() {
        assertThat(results(null).targets()).anySatisfy(t -> {
            assertThat(t.name()).isEqualTo("whole path source → warehouse vs Debezium PostgreSQL + JDBC sink connectors");
            assertThat(t.measured()).isEqualTo("not measured");
        });
    }

    @Test
    void theTablesListThePathsProcessesApartFromTheSharedServers() {
        String md = MarkdownReport.render(results(sample()));
        assertThat(md).contains("## Whole path source → warehouse")
                .contains("| cdcflow | 20,001 | 10.0 s | 2,000 | 1.00× | 2.0 s | 2,500 | 600 | 480 MiB |")
                .contains("| debezium-jdbc | 20,001 | 25.0 s | 800 | 2.50× | 6.0 s | 1,053 | 1,125 | 700 MiB |")
                .contains("| other | 20,001 | incomplete | - | - | - | - | 0.0 | - |")
                .contains("| capture-service | 250 | - | - | - |")
                .contains("| kafka-connect | - | 1,125 | 800 | - |")
                .contains("| **the path's own processes** | **600** | **1,125** | **800** | **0.0** |")
                // 0.3 cores for 10 s against 0.4 for 25 s and 0.3 for 16 s, over the same 20,001 changes
                .contains("| pg-store (shared) | 150 | 500 | 240 | - |")
                .contains("| cdcflow | 998 | 600 | 300 | 500 | 700 | 900 | 0 |")
                .contains("| debezium-jdbc-tuned | 1,001 | 600 | 400 | 800 | 1,200 | 1,500 | 2 |")
                .doesNotContain("| debezium-jdbc | 1,0")
                .contains("- method: method");
        assertThat(ReadmeSummary.render(results(sample()), "bench/results/x.json"))
                .contains("| **the path's own processes** | **600** | **1,125** | **800** | **0.0** |");
    }
}
