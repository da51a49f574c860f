package io.cdcflow.bench;

import static io.cdcflow.bench.BenchLog.log;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far the running sinks got, read from their Prometheus metrics: scrapes, applied counts, and the waits for a
 * step's changes to be applied or for the pipeline to fall idle.
 */
final class SinkProgress {

    static final List<String> SINKS = List.of("warehouse-sink", "cache-sink", "search-sink");

    private final BenchEnv env;
    private final HttpClient http;
    private final List<String> notes;

    SinkProgress(BenchEnv env, HttpClient http, List<String> notes) {
        this.env = env;
        this.http = http;
        this.notes = notes;
    }

    /** Waits until each sink's applied counter has grown by {@code expected}; returns when each got there (ms). */
    Map<String, Long> awaitApplied(Map<String, Long> before, long expected, long startMs, Duration timeout) throws Exception {
        Map<String, Long> doneAt = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (doneAt.size() < SINKS.size() && System.currentTimeMillis() < deadline) {
            Map<String, Long> now = applied(scrapeSinks());
            for (String sink : SINKS) {
                if (!doneAt.containsKey(sink) && now.getOrDefault(sink, 0L) - before.getOrDefault(sink, 0L) >= expected) {
                    doneAt.put(sink, System.currentTimeMillis());
                }
            }
            Thread.sleep(250);
        }
        for (String sink : SINKS) {
            if (!doneAt.containsKey(sink)) {
                notes.add(sink + " had not applied all " + expected + " changes of a step " + timeout.toSeconds()
                        + " s after it started draining; its figures for that step cover what it applied");
            }
        }
        return doneAt;
    }

    /**
     * Waits until the pipeline is idle: the services' replication slot has confirmed (nearly) all WAL, so capture holds
     * no backlog (an earlier bench's capture part leaves one there), and no sink applied anything for three seconds.
     */
    void awaitSinksIdle(Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Map<String, Long> last = applied(scrapeSinks());
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(3000);
            Map<String, Long> now = applied(scrapeSinks());
            if (now.equals(last) && !now.isEmpty() && servicesSlotLagBytes() < 1 << 20) {
                return;
            }
            last = now;
        }
        notes.add("The pipeline was not idle " + timeout.toSeconds() + " s into the wait before a step: the step's figures"
                + " include an earlier backlog.");
    }

    /** WAL the services' capture source has not confirmed yet (slot {@code cdcflow_inventory}); 0 without the slot. */
    private long servicesSlotLagBytes() throws SQLException {
        try (Connection c = env.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
                        + " WHERE slot_name = 'cdcflow_inventory'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Every change a sink is done with (applied, skipped as stale, superseded in its batch), per sink, from a scrape. */
    static Map<String, Long> applied(Map<String, String> scrapes) {
        Map<String, Long> out = new LinkedHashMap<>();
        scrapes.forEach((sink, text) -> {
            long sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("cdc_sink_applied_total") || line.startsWith("cdc_sink_skipped_stale_total")
                        || line.startsWith("cdc_sink_superseded_total")) {
                    sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            out.put(sink, sum);
        });
        return out;
    }

    /** Waits until {@code sink} applied nothing for three seconds; false when it did not fall quiet within {@code timeout}. */
    boolean awaitQuiet(String sink, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Map<String, Long> last = applied(scrape(List.of(sink)));
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(3000);
            Map<String, Long> now = applied(scrape(List.of(sink)));
            if (now.equals(last) && !now.isEmpty()) {
                return true;
            }
            last = now;
        }
        return false;
    }

    Map<String, String> scrapeSinks() {
        return scrape(SINKS);
    }

    private Map<String, String> scrape(List<String> sinks) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String sink : sinks) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.servicePort(sink)
                        + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    out.put(sink, r.body());
                }
            } catch (IOException e) {
                log("warning: could not scrape %s: %s", sink, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scraping " + sink, e);
            }
        }
        return out;
    }
}
