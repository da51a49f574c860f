package io.cdcflow.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cdcflow.bench.stats.LatencySummary;

class ReadmeSummaryTest {

    private static BenchResults sample() {
        var machine = new BenchResults.Machine(2, 8000, "1.00 1.00 1.00", "2.00 1.50 1.00", "OpenJDK 25", "Linux", "-Xmx384m");
        var capture = List.of(
                new BenchResults.Throughput("cdcflow-log", 1000, 1000, 6000, 4000, 488, "ours"),
                new BenchResults.Throughput("debezium-connect", 1000, 1000, 4000, 5000, 602, "as shipped"),
                new BenchResults.Throughput("debezium-connect-tuned", 1000, 1000, 5000, 5000, 610, "capture's settings"));
        var step = new BenchResults.RateStep(2000, 1990, 30000, new LatencySummary(30000, 47, 90, 146, 300),
                new LatencySummary(30000, 45, 95, 130, 310), "LOG_APPEND_TIME", Map.of(), Map.of("capture-service", 180.0),
                Map.of("capture-service", 190.0), Map.of(), 20_000);
        var drain = new BenchResults.Drain(100_000, Map.of("warehouse-sink", 3787.0), Map.of("router-service", 0.26), 20_000);
        BenchResults r = new BenchResults("2026-12-01T10:20:01Z", "bin/bench", machine, capture, List.of(), List.of(step), drain,
                List.of(), Map.of(), null, List.of());
        return new BenchResults(r.startedAt(), r.command(), machine, capture, List.of(), r.rates(), drain, List.of(), Map.of(),
                null, Targets.evaluate(r));
    }

    @Test
    void theBlockCarriesTheResultsFiguresAndNamesTheFile() {
        String block = ReadmeSummary.render(sample(), "bench/results/20261201-103309.json");
        assertThat(block).contains("`bin/bench`, 2026-12-01T10:20:01Z").contains("bench/results/20261201-103309.json")
                // the p99 of the results, and no figure that is not in them
                .contains("| commit-to-Kafka p99 at 2,000/s | ≤ 150 ms | 146 ms | yes |")
                .contains("| capture vs Debezium on Connect | ≥ 2.0× | 1.50× (6,000 vs 4,000 events/s) | **no** |")
                .contains("| capture vs Debezium on Connect with capture's producer settings and poll interval | ≥ 2.0× | 1.20× (6,000 vs 5,000 events/s) | **no** |")
                .contains("| debezium-connect | 1,000 | 1,000 | 4,000 | 1.00× |")
                .contains("488 MiB").contains("602 MiB")
                .contains("| warehouse-sink | 3,787 |");
    }

    @Test
    void replacesOnlyWhatLiesBetweenTheMarkers() {
        String readme = "# x\n\nbefore\n" + ReadmeSummary.BEGIN + "\nold figures\n" + ReadmeSummary.END + "\nafter\n";
        String out = ReadmeSummary.replace(readme, "new figures\n");
        assertThat(out).isEqualTo("# x\n\nbefore\n" + ReadmeSummary.BEGIN + "\nnew figures\n" + ReadmeSummary.END + "\nafter\n");
        assertThat(ReadmeSummary.replace(out, "new figures\n")).isEqualTo(out);
        assertThatThrownBy(() -> ReadmeSummary.replace("# no markers\n", "x")).hasMessageContaining("bench:begin");
    }
}
