package io.cdcflow.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcflow.bench.stats.LatencySummary;

class MarkdownReportTest {

    private static BenchResults sample() {
        var machine = new BenchResults.Machine(2, 8000, "3.00 2.00 1.00", "4.00 3.00 2.00", "OpenJDK 25", "Linux", "-Xmx384m");
        var capture = List.of(
                new BenchResults.Throughput("cdcflow-log", 1000, 1000, 6000, 4000, 200, "ours"),
                new BenchResults.Throughput("debezium-connect", 1000, 1000, 4000, 5000, 250, "reference"),
                new BenchResults.Throughput("pg_recvlogical", 1000, 1000, 20000, 100, Double.NaN, "decode limit"));
        var sinks = Map.of("warehouse-sink", new BenchResults.SinkStep(100, 100, 300, 600, 700, 2500, 100));
        var step = new BenchResults.RateStep(2000, 1990, 30000, new LatencySummary(30000, 40, 90, 120, 300),
                new LatencySummary(30000, 45, 95, 130, 310), "LOG_APPEND_TIME", sinks, Map.of("capture-service", 180.0),
                Map.of("capture-service", 300.0), Map.of("capture-service", 0.25, "kafka", 0.15), 20_000);
        var saturation = new BenchResults.RateStep(0, 12000, 240000, new LatencySummary(1, 1, 1, 1, 1),
                new LatencySummary(1, 1, 1, 1, 1), "LOG_APPEND_TIME",
                Map.of("warehouse-sink", new BenchResults.SinkStep(1, 1, 1, 1, 1, 9000, 1)), Map.of(), Map.of(),
                Map.of("capture-service", 1.0, "kafka", 0.5), 30_000);
        var snapshots = List.of(new BenchResults.Snapshot("cdcflow-log", 1_000_000, 1_000_000, 60000, 3000));
        var drain = new BenchResults.Drain(100_000, Map.of("warehouse-sink", 6000.0, "cache-sink", 8000.0),
                Map.of("router-service", 0.5, "capture-service", 0.25, "warehouse-sink", 0.1, "cache-sink", 0.1,
                        "search-sink", 0.1), 20_000);
        BenchResults r = new BenchResults("2026-11-25T10:00:00Z", "bin/bench --quick", machine, capture, List.of("a note"),
                List.of(step, saturation), drain, snapshots, Map.of(), null, List.of());
        return new BenchResults(r.startedAt(), r.command(), machine, capture, r.notes(), r.rates(), drain, snapshots, Map.of(),
                null, Targets.evaluate(r));
    }

    @Test
    void printsWhereTheCoresWentPerStep() {
        String md = MarkdownReport.render(sample());
        // 0.25 cores for 20 s over 30,000 changes: 167 µs each; at saturation 1 core for 30 s over 240,000: 125 µs.
        assertThat(md).contains("| capture-service | 0.25 / 167 | 1.00 / 125 |");
        assertThat(md).contains("| **all of them** | 0.40 / 267 | 1.50 / 188 |");
    }

    @Test
    void theSustainedRateIsTheSlowestSinkDrainingTheBacklog() {
        String md = MarkdownReport.render(sample());
        assertThat(md).contains("| sustained to all three sinks | ≥ 6,000 changes/s | 6,000 changes/s (slowest sink, backlog of 100,000) | yes |");
        // 0.5 cores for 20 s over 100,000 changes: 100 µs each.
        assertThat(md).contains("| router-service | 0.50 | 100 |");
    }

    @Test
    void printsRatiosAgainstBothReferences() {
        String md = MarkdownReport.render(sample());
        assertThat(md).contains("| cdcflow-log | 1,000 | 1,000 | 6,000 | 1.50× | 0.30× |");
        assertThat(md).contains("| pg_recvlogical | 1,000 | 1,000 | 20,000 | 5.00× | 1.00× |");
        assertThat(md).contains("bin/bench --quick").contains("4.00 3.00 2.00").contains("a note");
    }

    @Test
    void evaluatesTargetsMetAndMissed() {
        Map<String, Boolean> met = new java.util.HashMap<>();
        sample().targets().forEach(t -> met.put(t.name(), t.met()));
        assertThat(met).containsEntry("capture vs Debezium on Connect", false)
                .containsEntry("capture vs pg_recvlogical", false)
                .containsEntry("commit-to-Kafka p99 at 2,000/s", true)
                .containsEntry("end-to-end p99 at 2,000/s, warehouse-sink", false)
                .containsEntry("sustained to all three sinks", true)
                .containsEntry("CPU per change in the services (drain: capture, router, three sinks)", false)
                .containsEntry("snapshot rate (1,000,000 rows)", true)
                .containsEntry("RSS per service at 2,000/s", false);
        assertThat(MarkdownReport.render(sample())).contains("| RSS per service at 2,000/s | ≤ 256 MiB | 300 MiB peak (capture-service) | **no** |")
                // 1.05 cores over 20 s of a 100,000-change drain: 210 µs per change in the five services.
                .contains("| CPU per change in the services (drain: capture, router, three sinks) | ≤ 150 µs | 210 µs | **no** |")
                .contains("| whole path source → warehouse vs Debezium PostgreSQL + JDBC sink connectors | ≥ 2.0× | not measured |");
    }

    @Test
    void chartSeriesFollowTheSteps() {
        var series = LatencyChart.series(sample().rates());
        assertThat(series.get("commit→Kafka p99")).hasSize(2);
        assertThat(series.get("warehouse-sink p99").get(0)).containsExactly(1990, 600);
    }
}
