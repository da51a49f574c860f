package io.cdcflow.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fault suite's result table: one line per scenario, printed and written as Markdown. */
final class FaultReport {

    /**
     * One scenario's figures; {@code diffs} maps each sink to its difference from the source at the end,
     * {@code staleSkips} each sink to the changes it skipped as stale (see {@link SinkCounters}), {@code longestStalls}
     * each sink to its longest partition stall in seconds (see {@link PartitionStalls}), {@code produceStalls} capture-service
     * and router-service to their longest produce stall in seconds (see {@link ProduceStalls}), {@code p99Lags} each
     * sink to the 99th percentile of its end-to-end latency over the scenario in seconds, as a bucket's upper bound
     * (see {@link SinkCounters#p99Between}).
     */
    record Line(String fault, long changes, long inFlight, double restartSeconds, double recoverySeconds, boolean converged,
                Map<String, RowDiff> diffs, Map<String, Long> staleSkips, Map<String, Double> longestStalls,
                Map<String, Double> produceStalls, Map<String, Double> p99Lags) {
    }

    private final String title;
    private final List<Line> lines = new ArrayList<>();

    FaultReport(String title) {
        this.title = title;
    }

    void add(Line line) {
        lines.add(line);
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    String markdown() {
        // A scenario's load lasts as long as its fault: the changes committed in all, not the planned share.
        long committed = lines.stream().mapToLong(Line::changes).sum();
        StringBuilder out = new StringBuilder("### " + title + "; " + committed + " changes committed in all\n\n")
                .append("| fault | changes | in flight at injection | restart (s) | recovery (s) | warehouse m/e/s | redis m/e/s | opensearch m/e/s | stale skips w/r/o | longest partition stall w/r/o (s) | longest produce stall capture/router (s) | end-to-end p99 ≤ w/r/o (s) |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Line l : lines) {
            out.append(String.format("| %s | %d | %d | %.1f | %s | %s | %s | %s | %s | %.1f/%.1f/%.1f | %.1f/%.1f | %s/%s/%s |%n", l.fault(), l.changes(), l.inFlight(),
                    l.restartSeconds(),
                    l.converged() ? String.format("%.1f", l.recoverySeconds()) : "not in " + Math.round(l.recoverySeconds()),
                    l.diffs().get("warehouse"), l.diffs().get("redis"), l.diffs().get("opensearch"),
                    l.staleSkips().get("warehouse-sink") + "/" + l.staleSkips().get("cache-sink") + "/"
                            + l.staleSkips().get("search-sink"),
                    l.longestStalls().get("warehouse-sink"), l.longestStalls().get("cache-sink"),
                    l.longestStalls().get("search-sink"), l.produceStalls().get("capture-service"),
                    l.produceStalls().get("router-service"), seconds(l.p99Lags().get("warehouse-sink")),
                    seconds(l.p99Lags().get("cache-sink")), seconds(l.p99Lags().get("search-sink"))));
        }
        return out.append("\nin flight: changes committed at the source and not yet committed by the slowest sink's consumer"
                        + " group when the fault began. restart: from the end of the fault until the restarted part was ready."
                        + " recovery: from the end of the fault until every sink held exactly the source's rows."
                        + " m/e/s: rows missing / extra / stale in the sink after the scenario."
                        + " stale skips: changes each sink skipped because it held the row at that position or a newer one,"
                        + " counted by its running instances (what a killed process had counted is lost with it): the"
                        + " re-deliveries after a crash, restart or rebalance (a change that a newer one of the same row"
                        + " overtook in the same batch is counted apart, as superseded, and not here)."
                        + " longest partition stall: the longest time one of the sink's partitions held changes its consumer"
                        + " group did not commit (a crashed instance's session running out, a rebalance, an outage),"
                        + " sampled every 250 ms from the start of the scenario's load until every sink had converged."
                        + " longest produce stall: the longest time no new record reached capture-service's raw topics"
                        + " (capture) although the source had committed changes since its last one, or router-service's"
                        + " validated topics (router) although raw records had arrived since its last one: the service"
                        + " killed or restarting, Kafka nodes away, partition leaders moving (a broker killed with kill -9 is"
                        + " fenced after broker.session.timeout.ms, 9 s), too few in-sync replicas; read by a consumer"
                        + " polling every 250 ms."
                        + " end-to-end p99: the 99th percentile of the time from the source's commit to the change applied,"
                        + " over the changes each sink applied during the scenario (cdc_sink_lag_seconds, every running"
                        + " instance; what a killed process had counted is lost with it), as the upper bound of its"
                        + " histogram bucket; > 30 past the last bucket.\n")
                .toString();
    }

    /** A p99 bound: two decimals below 1 s, one above; "> 30" beyond the histogram's last bucket; "-" for none. */
    static String seconds(Double bound) {
        if (bound == null || bound.isNaN()) {
            return "-";
        }
        if (bound.isInfinite()) {
            return "> 30";
        }
        return String.format(java.util.Locale.ROOT, bound < 1 ? "%.2f" : "%.1f", bound);
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown());
    }
}
