package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each sink counted over a scenario, read from every running instance of each sink's metrics:
 * <ul>
 *   <li>the changes it skipped as stale ({@code cdc_sink_skipped_stale_total}): the duplicates that crashes,
 *       restarts and rebalances re-deliver (a change a newer one of the same row overtook in the same batch is
 *       counted apart, as {@code cdc_sink_superseded_total}, and not here);</li>
 *   <li>its end-to-end latency, from the source's commit to the change applied ({@code cdc_sink_lag_seconds}, a
 *       histogram over every table), of which {@link #p99Between} gives the 99th percentile as a bucket's upper
 *       bound.</li>
 * </ul>
 * An instance's counters start at 0 with its process ({@code process_start_time_seconds} tells a restart apart), so
 * what a killed process counted is lost with it; its successor's counts are included.
 */
final class SinkCounters {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern STALE = Pattern.compile("(?m)^cdc_sink_skipped_stale_total\\{[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern STARTED = Pattern.compile("(?m)^process_start_time_seconds(?:\\{[^}]*})? ([0-9.eE+-]+)$");
    private static final Pattern LAG_BUCKET =
            Pattern.compile("(?m)^cdc_sink_lag_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$");
    private static final int INSTANCES = 3;

    /** One instance's counters and the start of its process; {@code lagBuckets} cumulative counts by upper bound. */
    record Count(double stale, double startedAt, Map<Double, Double> lagBuckets) {
    }

    /** The counters of every running instance of {@code sinks}, by instance name. */
    static Map<String, Count> read(List<String> sinks) {
        Map<String, Count> counts = new LinkedHashMap<>();
        for (String sink : sinks) {
            for (int n = 1; n <= INSTANCES; n++) {
                String instance = Services.instance(sink, n);
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(Services.url(instance) + "/q/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        counts.put(instance, parse(r.body()));
                    }
                } catch (IOException e) {
                    // Not running: nothing to count.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted reading the sinks' metrics", e);
                }
            }
        }
        return counts;
    }

    /** One instance's counters from its Prometheus text. */
    static Count parse(String metrics) {
        Map<Double, Double> buckets = new TreeMap<>();
        Matcher m = LAG_BUCKET.matcher(metrics);
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.merge(le, Double.parseDouble(m.group(2)), Double::sum);
        }
        return new Count(sum(STALE, metrics), sum(STARTED, metrics), buckets);
    }

    /** Stale skips per sink between two readings: an instance that restarted (or is new) counts from 0. */
    static Map<String, Long> between(Map<String, Count> before, Map<String, Count> after, List<String> sinks) {
        Map<String, Long> bySink = new LinkedHashMap<>();
        sinks.forEach(s -> bySink.put(s, 0L));
        after.forEach((instance, now) -> {
            Count then = sameProcess(before.get(instance), now);
            bySink.merge(sinkOf(instance), Math.round(now.stale() - (then == null ? 0 : then.stale())), Long::sum);
        });
        return bySink;
    }

    /**
     * Per sink, the upper bound (seconds) of the lag bucket that holds the 99th percentile of the changes applied
     * between two readings, over all its running instances; {@code NaN} when it applied none, infinite when the
     * percentile lies beyond the last finite bucket.
     */
    static Map<String, Double> p99Between(Map<String, Count> before, Map<String, Count> after, List<String> sinks) {
        Map<String, Map<Double, Double>> bySink = new LinkedHashMap<>();
        sinks.forEach(s -> bySink.put(s, new TreeMap<>()));
        after.forEach((instance, now) -> {
            Count then = sameProcess(before.get(instance), now);
            Map<Double, Double> sum = bySink.computeIfAbsent(sinkOf(instance), s -> new TreeMap<>());
            now.lagBuckets().forEach((le, n) ->
                    sum.merge(le, n - (then == null ? 0 : then.lagBuckets().getOrDefault(le, 0.0)), Double::sum));
        });
        Map<String, Double> p99 = new LinkedHashMap<>();
        bySink.forEach((sink, buckets) -> p99.put(sink, percentile(buckets, 0.99)));
        return p99;
    }

    /** The upper bound of the first cumulative bucket holding {@code q} of the total; NaN for an empty histogram. */
    static double percentile(Map<Double, Double> cumulative, double q) {
        double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> b : new TreeMap<>(cumulative).entrySet()) {
            if (b.getValue() >= q * total) {
                return b.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static Count sameProcess(Count then, Count now) {
        return then != null && then.startedAt() == now.startedAt() ? then : null;
    }

    private static String sinkOf(String instance) {
        return instance.split("@")[0];
    }

    private static double sum(Pattern p, String body) {
        double total = 0;
        Matcher m = p.matcher(body);
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
