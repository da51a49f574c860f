package io.cdcflow.console.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pipeline as the page shows it, computed from the scraper's rounds: per table its rates over the last round
 * (captured, routed, applied per sink), each sink's end-to-end lag p99 in that round and over every round of the
 * last 15 minutes (a chart), and the router's view of it; the services' health, the sources' slot lag and the
 * consumer groups' lag from the newest round.
 */
public record PipelineView(Scrape latest, Duration window, List<TableLine> tables) {

    private static final Duration MIN_WINDOW = Duration.ofSeconds(5);

    /** One table (its raw topic). {@code p99Ms} and {@code p99History} per sink; NaN where nothing was applied. */
    public record TableLine(String table, double capturedPerSecond, double routedPerSecond,
                            Map<String, Double> appliedPerSecond, Map<String, Double> p99Ms,
                            Map<String, List<Double>> p99History, Scrape.TableState state) {
    }

    /** The view of the rounds given (oldest first); at least one. */
    public static PipelineView of(List<Scrape> rounds) {
        Scrape last = rounds.getLast();
        // Rates over the newest round at least MIN_WINDOW older than the last (a page may have read just after the timer).
        Scrape before = null;
        for (int i = rounds.size() - 2; i >= 0 && before == null; i--) {
            if (!rounds.get(i).at().isAfter(last.at().minus(MIN_WINDOW))) {
                before = rounds.get(i);
            }
        }
        double seconds = before == null ? Double.NaN
                : Math.max(0.001, Duration.between(before.at(), last.at()).toMillis() / 1000.0);
        TreeSet<String> names = new TreeSet<>(last.captured().keySet());
        names.addAll(last.routed().keySet());
        last.applied().values().forEach(m -> names.addAll(m.keySet()));
        names.addAll(last.tables().keySet());
        List<TableLine> lines = new ArrayList<>();
        for (String t : names) {
            Map<String, Double> applied = new TreeMap<>();
            Map<String, Double> p99 = new TreeMap<>();
            Map<String, List<Double>> history = new TreeMap<>();
            for (String sink : last.applied().keySet()) {
                applied.put(sink, rate(before == null ? null : before.applied().getOrDefault(sink, Map.of()).get(t),
                        last.applied().get(sink).get(t), seconds));
            }
            for (String sink : last.lagBuckets().keySet()) {
                List<Double> points = new ArrayList<>();
                for (int i = 1; i < rounds.size(); i++) {
                    points.add(p99Ms(buckets(rounds.get(i - 1), sink, t), buckets(rounds.get(i), sink, t)));
                }
                history.put(sink, points);
                p99.put(sink, points.isEmpty() ? Double.NaN : points.getLast());
            }
            Scrape b = before;
            lines.add(new TableLine(t, rate(b == null ? null : b.captured().get(t), last.captured().get(t), seconds),
                    rate(b == null ? null : b.routed().get(t), last.routed().get(t), seconds), applied, p99,
                    history, last.tables().get(t)));
        }
        return new PipelineView(last, before == null ? Duration.ZERO : Duration.between(before.at(), last.at()), lines);
    }

    private static TreeMap<Double, Double> buckets(Scrape s, String sink, String table) {
        return s.lagBuckets().getOrDefault(sink, Map.of()).getOrDefault(table, new TreeMap<>());
    }

    /** A counter's rate between two rounds; NaN without both, the new value when the counter restarted. */
    static double rate(Double before, Double now, double seconds) {
        if (now == null || before == null || Double.isNaN(seconds)) {
            return Double.NaN;
        }
        return (now >= before ? now - before : now) / seconds;
    }

    /**
     * The p99 (ms) of the changes a histogram recorded between two rounds: the upper bound of the first bucket that
     * holds 99% of them; NaN when none was recorded.
     */
    static double p99Ms(TreeMap<Double, Double> before, TreeMap<Double, Double> now) {
        Double total = now.get(Double.POSITIVE_INFINITY);
        if (total == null) {
            return Double.NaN;
        }
        double count = total - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (count <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> b : now.entrySet()) {
            if (b.getValue() - before.getOrDefault(b.getKey(), 0.0) >= 0.99 * count) {
                return b.getKey() * 1000.0;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
