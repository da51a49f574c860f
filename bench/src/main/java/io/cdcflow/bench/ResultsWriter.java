package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.report.LatencyChart;
import io.cdcflow.bench.report.MarkdownReport;
import io.cdcflow.bench.report.ReadmeSummary;

/**
 * Writes a run's figures: {@code bench/results/<timestamp>.json}, {@code latest.md}, the latency chart, the README's
 * block between its bench:begin and bench:end markers (full runs only, or from a results file), and the report on stdout.
 */
final class ResultsWriter {

    private final BenchEnv env;
    private final BenchOptions options;

    ResultsWriter(BenchEnv env, BenchOptions options) {
        this.env = env;
        this.options = options;
    }

    /** {@code bin/bench --readme FILE}: the README's benchmark figures from a results file; runs nothing. */
    static void writeReadme(Path file) throws IOException {
        BenchResults results = new ObjectMapper().readValue(file.toFile(), BenchResults.class);
        Path repo = Path.of(System.getenv().getOrDefault("BENCH_REPO", "."));
        ReadmeSummary.update(repo.resolve("README.md"), ReadmeSummary.render(results,
                "bench/results/" + file.getFileName()));
        System.out.println("README.md: benchmark figures written from " + file);
    }

    void write(BenchResults results) throws IOException {
        Path dir = env.repo().resolve("bench/results");
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve(stamp + ".json").toFile(), results);
        Files.writeString(dir.resolve("latest.md"), MarkdownReport.render(results));
        if (!results.rates().isEmpty()) {
            LatencyChart.write(results.rates(), results.startedAt() + ", " + results.machine().cores() + " cores, load "
                    + results.machine().loadAverageAfter(), dir.resolve("latency-vs-rate.png"));
        }
        log("results: %s, %s", dir.resolve(stamp + ".json"), dir.resolve("latest.md"));
        if (!options.quick() && options.only().isEmpty()) {
            ReadmeSummary.update(env.repo().resolve("README.md"), ReadmeSummary.render(results, "bench/results/" + stamp + ".json"));
            log("README.md: benchmark figures written from %s", dir.resolve(stamp + ".json"));
        } else {
            log("README.md left as it is: only a full run (no --quick, no --only) writes its figures");
        }
        System.out.println();
        System.out.println(MarkdownReport.render(results));
    }
}
