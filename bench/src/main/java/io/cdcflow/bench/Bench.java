package io.cdcflow.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cdcflow.bench.kafka.KafkaTopics;
import io.cdcflow.bench.reader.SourceReaders;
import io.cdcflow.bench.report.BenchResults;
import io.cdcflow.bench.report.Targets;

/**
 * The benchmark program run by bin/bench: parses the options and runs the parts in order, the latency part
 * ({@link LatencyPart}, with its drain step), capture throughput ({@link CaptureThroughputPart}), snapshot rate
 * ({@link SnapshotRatePart}) and the whole path source → warehouse ({@link WholePathPart}), then writes JSON,
 * Markdown and a PNG chart into {@code bench/results} ({@link ResultsWriter}).
 */
public final class Bench {

    private final BenchEnv env;
    private final BenchOptions options;
    private final SourceReaders readers;
    private final KafkaTopics kafka;
    private final List<String> notes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Bench(BenchEnv env, BenchOptions options) {
        this.env = env;
        this.options = options;
        this.readers = new SourceReaders(env);
        this.kafka = new KafkaTopics(env.kafkaBootstrap());
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--readme")) {
            ResultsWriter.writeReadme(Path.of(args[1]));
            return;
        }
        BenchOptions options = BenchOptions.parse(args);
        BenchEnv env = BenchEnv.fromEnvironment(System.getenv());
        Bench bench = new Bench(env, options);
        try {
            bench.run();
        } finally {
            bench.kafka.close();
        }
    }

    void run() throws Exception {
        String startedAt = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String loadBefore = MachineInfo.loadAverage();
        Files.createDirectories(env.work().resolve("logs"));
        SourceDatabase.applySchema(env);
        List<BenchResults.Throughput> capture = new ArrayList<>();
        List<BenchResults.Snapshot> snapshots = new ArrayList<>();
        List<BenchResults.RateStep> rates = new ArrayList<>();
        Map<String, Double> peakRss = new TreeMap<>();
        BenchResults.Drain drain = null;
        // Latency first: the capture part's backlog lands in the demo tables, and the services' own slot would
        // otherwise make them work it off during the measured steps.
        if (options.runs("latency")) {
            LatencyPart.Result latency = new LatencyPart(env, options, kafka, notes, new RunningServices(env, http, notes),
                    new SinkProgress(env, http, notes)).run(peakRss);
            rates.addAll(latency.steps());
            drain = latency.drain();
        }
        if (options.runs("capture")) {
            capture.addAll(new CaptureThroughputPart(env, options, readers, kafka, notes).run());
        }
        if (options.runs("snapshot")) {
            snapshots.addAll(new SnapshotRatePart(env, options, readers, kafka, notes).run());
        }
        BenchResults.WholePath wholePath = null;
        if (options.runs("wholepath")) {
            wholePath = new WholePathPart(env, options, readers, kafka, notes, new RunningServices(env, http, notes),
                    new SinkProgress(env, http, notes)).run();
        }
        capture.forEach(t -> peakRss.put(t.reader() + " (capture part)", t.peakRssMib()));
        var machine = MachineInfo.describe(loadBefore, env);
        BenchResults results = new BenchResults(startedAt, options.command(), machine, capture, notes, rates, drain, snapshots, peakRss,
                wholePath, List.of());
        results = new BenchResults(startedAt, options.command(), machine, capture, notes, rates, drain, snapshots, peakRss,
                wholePath, Targets.evaluate(results));
        new ResultsWriter(env, options).write(results);
    }
}
