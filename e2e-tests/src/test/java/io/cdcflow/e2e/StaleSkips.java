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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The changes each sink skipped as stale ({@code cdc_sink_skipped_stale_total}), read from every running instance of
 * each sink: the duplicates that crashes, restarts and rebalances re-deliver (a change a newer one of the same row
 * overtook in the same batch is counted apart, as {@code cdc_sink_superseded_total}, and not here). An instance's
 * counter starts at 0 with its process ({@code process_start_time_seconds} tells a restart apart), so what a killed
 * process counted is lost with it; its successor's count is included.
 */
final class StaleSkips {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern STALE = Pattern.compile("(?m)^cdc_sink_skipped_stale_total\\{[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern STARTED = Pattern.compile("(?m)^process_start_time_seconds(?:\\{[^}]*})? ([0-9.eE+-]+)$");
    private static final int INSTANCES = 3;

    /** One instance's counter and the start of its process. */
    record Count(double stale, double startedAt) {
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
                        counts.put(instance, new Count(sum(STALE, r.body()), sum(STARTED, r.body())));
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

    /** Stale skips per sink between two readings: an instance that restarted (or is new) counts from 0. */
    static Map<String, Long> between(Map<String, Count> before, Map<String, Count> after, List<String> sinks) {
        Map<String, Long> bySink = new LinkedHashMap<>();
        sinks.forEach(s -> bySink.put(s, 0L));
        after.forEach((instance, now) -> {
            Count then = before.get(instance);
            double since = then != null && then.startedAt() == now.startedAt() ? now.stale() - then.stale() : now.stale();
            bySink.merge(instance.split("@")[0], Math.round(since), Long::sum);
        });
        return bySink;
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
