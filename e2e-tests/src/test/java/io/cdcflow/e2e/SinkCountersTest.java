package io.cdcflow.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SinkCountersTest {

    private static final List<String> SINKS = List.of("warehouse-sink", "cache-sink");

    /** A sink's metrics text: stale skips, process start, and lag buckets (cumulative) of two tables. */
    private static String metrics(double started, double stale, double[] les, double[] tableA, double[] tableB) {
        StringBuilder out = new StringBuilder("# TYPE process_start_time_seconds gauge\n")
                .append("process_start_time_seconds ").append(started).append('\n')
                .append("cdc_sink_skipped_stale_total{sink=\"s\",table=\"inventory.public.a\"} ").append(stale).append('\n');
        for (int i = 0; i < les.length; i++) {
            String le = Double.isInfinite(les[i]) ? "+Inf" : Double.toString(les[i]);
            out.append("cdc_sink_lag_seconds_bucket{sink=\"s\",table=\"inventory.public.a\",le=\"").append(le).append("\"} ")
                    .append(tableA[i]).append('\n');
            out.append("cdc_sink_lag_seconds_bucket{sink=\"s\",table=\"inventory.public.b\",le=\"").append(le).append("\"} ")
                    .append(tableB[i]).append('\n');
        }
        return out.toString();
    }

    private static final double[] LES = {0.1, 0.5, 1.0, 30.0, Double.POSITIVE_INFINITY};

    @Test
    void theP99IsTheBucketHoldingNinetyNinePercentOfWhatWasAppliedBetweenTheReadings() {
        SinkCounters.Count before = SinkCounters.parse(metrics(100, 2, LES,
                new double[]{50, 50, 50, 50, 50}, new double[]{0, 0, 0, 0, 0}));
        // Since then, over both tables: 900 changes under 0.1 s, 85 between 0.1 and 0.5 s, 15 between 0.5 and 1 s.
        SinkCounters.Count after = SinkCounters.parse(metrics(100, 7, LES,
                new double[]{550, 600, 600, 600, 600}, new double[]{400, 435, 450, 450, 450}));
        Map<String, SinkCounters.Count> b = Map.of("warehouse-sink", before);
        Map<String, SinkCounters.Count> a = Map.of("warehouse-sink", after);

        assertThat(SinkCounters.p99Between(b, a, SINKS)).containsEntry("warehouse-sink", 1.0);
        assertThat(SinkCounters.between(b, a, SINKS)).containsEntry("warehouse-sink", 5L).containsEntry("cache-sink", 0L);
        assertThat(SinkCounters.p99Between(b, a, SINKS).get("cache-sink")).as("applied nothing").isNaN();
    }

    @Test
    void aRestartedInstanceCountsFromZeroAndANewOneIsAddedWhole() {
        SinkCounters.Count before = SinkCounters.parse(metrics(100, 40, LES,
                new double[]{1000, 1000, 1000, 1000, 1000}, new double[]{0, 0, 0, 0, 0}));
        // Restarted (a later start time): its 10 changes all took more than 30 s.
        SinkCounters.Count restarted = SinkCounters.parse(metrics(200, 3, LES,
                new double[]{0, 0, 0, 0, 10}, new double[]{0, 0, 0, 0, 0}));
        SinkCounters.Count second = SinkCounters.parse(metrics(150, 1, LES,
                new double[]{0, 0, 0, 0, 0}, new double[]{0, 0, 0, 0, 0}));
        Map<String, SinkCounters.Count> b = Map.of("warehouse-sink", before);
        Map<String, SinkCounters.Count> a = Map.of("warehouse-sink", restarted, "warehouse-sink@2", second);

        assertThat(SinkCounters.between(b, a, SINKS)).containsEntry("warehouse-sink", 4L);
        assertThat(SinkCounters.p99Between(b, a, SINKS).get("warehouse-sink")).isInfinite();
        assertThat(FaultReport.seconds(Double.POSITIVE_INFINITY)).isEqualTo("> 30");
        assertThat(FaultReport.seconds(0.447)).isEqualTo("0.45");
        assertThat(FaultReport.seconds(2.147)).isEqualTo("2.1");
        assertThat(FaultReport.seconds(Double.NaN)).isEqualTo("-");
    }
}
