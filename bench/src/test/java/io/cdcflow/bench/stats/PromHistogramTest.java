package io.cdcflow.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromHistogramTest {

    private static String scrape(int fast, int mid, int slow) {
        // Two tables of one sink; cumulative buckets as Micrometer exports them.
        return """
                # TYPE cdc_sink_lag_seconds histogram
                cdc_sink_lag_seconds_bucket{sink="w",table="public.a",le="0.1"} %d
                cdc_sink_lag_seconds_bucket{sink="w",table="public.a",le="0.5"} %d
                cdc_sink_lag_seconds_bucket{sink="w",table="public.a",le="1.0"} %d
                cdc_sink_lag_seconds_bucket{sink="w",table="public.a",le="+Inf"} %d
                cdc_sink_lag_seconds_count{sink="w",table="public.a"} %d
                cdc_sink_lag_seconds_sum{sink="w",table="public.a"} 12.5
                cdc_sink_lag_seconds_max{sink="w",table="public.a"} 0.9
                cdc_sink_lag_seconds_bucket{sink="w",table="public.b",le="0.1"} 10
                cdc_sink_lag_seconds_bucket{sink="w",table="public.b",le="0.5"} 10
                cdc_sink_lag_seconds_bucket{sink="w",table="public.b",le="1.0"} 10
                cdc_sink_lag_seconds_bucket{sink="w",table="public.b",le="+Inf"} 10
                cdc_sink_lag_seconds_count{sink="w",table="public.b"} 10
                cdc_sink_lag_seconds_max{sink="w",table="public.b"} 0.05
                cdc_sink_applied_total{sink="w",table="public.a"} 99.0
                """.formatted(fast, fast + mid, fast + mid + slow, fast + mid + slow, fast + mid + slow);
    }

    @Test
    void sumsSeriesAndReadsUpperBounds() {
        PromHistogram h = PromHistogram.parse(scrape(80, 15, 5), "cdc_sink_lag_seconds", "");
        assertThat(h.count()).isEqualTo(110);
        assertThat(h.maxSeconds()).isEqualTo(0.9);
        assertThat(h.quantileUpperBound(0.5)).isEqualTo(0.1);
        assertThat(h.quantileUpperBound(0.95)).isEqualTo(0.5); // 95% of 110 = 104.5, reached at le=0.5 (105)
        assertThat(h.quantileUpperBound(0.99)).isEqualTo(1.0);
    }

    @Test
    void windowIsTheBucketDeltaBetweenTwoScrapes() {
        PromHistogram before = PromHistogram.parse(scrape(80, 15, 5), "cdc_sink_lag_seconds", "");
        PromHistogram after = PromHistogram.parse(scrape(80, 115, 5), "cdc_sink_lag_seconds", "");
        PromHistogram window = after.minus(before);
        assertThat(window.count()).isEqualTo(100);
        // Every change of the window fell in (0.1, 0.5]: all percentiles read 0.5 s.
        assertThat(window.quantileUpperBound(0.5)).isEqualTo(0.5);
        assertThat(window.quantileUpperBound(0.99)).isEqualTo(0.5);
    }

    @Test
    void labelFilterKeepsMatchingSeriesOnly() {
        PromHistogram h = PromHistogram.parse(scrape(80, 15, 5), "cdc_sink_lag_seconds", "table=\"public.b\"");
        assertThat(h.count()).isEqualTo(10);
        assertThat(h.quantileUpperBound(0.99)).isEqualTo(0.1);
    }

    @Test
    void emptyHistogramHasNoPercentile() {
        assertThat(PromHistogram.parse("", "cdc_sink_lag_seconds", "").quantileUpperBound(0.99)).isNaN();
    }
}
