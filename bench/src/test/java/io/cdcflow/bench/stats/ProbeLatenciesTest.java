package io.cdcflow.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProbeLatenciesTest {

    private static ProbeLatencies committed(long... commitMs) {
        ProbeLatencies l = new ProbeLatencies();
        for (int i = 0; i < commitMs.length; i++) {
            l.committing(10 + i, commitMs[i] - 1);
            l.committed(10 + i, commitMs[i]);
        }
        return l;
    }

    @Test
    void aLaterSeqSeenCountsForEveryEarlierUpdateStillUnseen() {
        ProbeLatencies l = committed(1_000, 1_050, 1_100, 1_150);
        // The copy skipped seq 10 (overwritten before a poll saw it): 12 seen at 1,300 stands for 10, 11 and 12.
        l.seen(12, 1_300);
        l.seen(13, 1_250 + 100);
        LatencySummary s = l.summary(0, Long.MAX_VALUE);
        assertThat(s.count()).isEqualTo(4);
        // 300, 250 and 200 ms for seqs 10 to 12, 200 for 13: nearest rank puts the median at the second.
        assertThat(s.max()).isEqualTo(300);
        assertThat(s.p50()).isEqualTo(200);
        assertThat(l.unseen()).isZero();
        assertThat(l.seenCount()).isEqualTo(4);
    }

    @Test
    void seeingTheSameOrAnOlderSeqAgainAddsNothing() {
        ProbeLatencies l = committed(1_000, 1_050);
        l.seen(10, 1_100);
        l.seen(10, 1_500);
        l.seen(9, 1_600);
        assertThat(l.summary(0, Long.MAX_VALUE).count()).isEqualTo(1);
        assertThat(l.unseen()).isEqualTo(1);
    }

    @Test
    void onlyUpdatesCommittedInTheWindowCountAndUnseenOnesAreCountedApart() {
        ProbeLatencies l = committed(1_000, 2_000, 3_000, 4_000);
        l.seen(12, 3_100);
        LatencySummary s = l.summary(1_500, 3_500);
        // seq 11 (committed at 2,000) and 12 (3,000), both seen at 3,100; 10 is before the window, 13 never seen.
        assertThat(s.count()).isEqualTo(2);
        assertThat(s.p50()).isEqualTo(100);
        assertThat(s.max()).isEqualTo(1_100);
        assertThat(l.unseenBetween(1_500, 4_500)).isEqualTo(1);
        assertThat(l.unseenBetween(1_500, 3_500)).isZero();
    }

    @Test
    void anUpdateSeenBeforeItsCommitReturnedIsTimedFromWhenItWasSent() {
        ProbeLatencies l = new ProbeLatencies();
        l.committing(1, 1_000);
        l.seen(1, 1_004);
        l.committed(1, 1_010);
        assertThat(l.summary(0, Long.MAX_VALUE).max()).isEqualTo(4);
        assertThat(l.lastCommitted()).isEqualTo(1);
    }

    @Test
    void seqsMustFollowEachOther() {
        ProbeLatencies l = committed(1_000);
        assertThatThrownBy(() -> l.committing(12, 2_000)).hasMessageContaining("expected 11");
    }
}
