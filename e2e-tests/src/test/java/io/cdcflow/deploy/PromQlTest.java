package io.cdcflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name extraction MonitoringTest relies on. */
class PromQlTest {

    @Test
    void findsMetricsNotFunctionsLabelsOrDurations() {
        assertThat(PromQl.metricNames(
                "histogram_quantile(0.99, sum by (sink, le) (rate(cdc_sink_lag_seconds_bucket{namespace=~\"a|b\"}[5m]))) > 5"))
                .containsExactly("cdc_sink_lag_seconds_bucket");
        assertThat(PromQl.metricNames("up{service=~\"x\"} == 0 and on (pod) foo_total offset 5m"))
                .containsExactly("foo_total", "up");
        assertThat(PromQl.metricNames("sum(rate(a_total[$__rate_interval])) / ignoring(x) b_total > 1e9"))
                .containsExactly("a_total", "b_total");
        assertThat(PromQl.metricNames("label_values(cdc_sink_applied_total, namespace)"))
                .containsExactly("cdc_sink_applied_total");
    }
}
