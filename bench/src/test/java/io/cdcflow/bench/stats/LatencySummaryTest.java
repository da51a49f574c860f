package io.cdcflow.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void nearestRankPercentilesOfOneToHundred() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // unsorted on purpose
        }
        LatencySummary s = LatencySummary.of(samples);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p95()).isEqualTo(95);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
    }

    @Test
    void singleSampleIsEveryPercentile() {
        LatencySummary s = LatencySummary.of(new long[] {7});
        assertThat(s.p50()).isEqualTo(7);
        assertThat(s.p99()).isEqualTo(7);
    }

    @Test
    void noSampleGivesNaN() {
        assertThat(LatencySummary.of(new long[0]).p99()).isNaN();
    }

    @Test
    void samplesGrowPastTheirInitialCapacity() {
        LongSamples samples = new LongSamples();
        for (int i = 0; i < 5000; i++) {
            samples.add(i);
        }
        assertThat(samples.size()).isEqualTo(5000);
        assertThat(samples.toArray()[4999]).isEqualTo(4999);
    }
}
