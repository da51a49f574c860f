package io.cdcflow.capture.timestamp;

import io.cdcflow.capture.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReadSequenceTest {

    @Test
    void onlyGrowsFollowsTheClockAndStartsAboveEverythingHandedOutAfterARestart(@TempDir Path dir) throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        ReadSequence s = new ReadSequence(new StateFile(dir, "src.read-seq.json"), clock::get);

        long a = s.next();
        long b = s.next(); // same microsecond: one more
        clock.set(5_000);
        long c = s.next();
        clock.set(10); // the clock went back
        long d = s.next();

        assertThat(a).isEqualTo(1_000);
        assertThat(b).isEqualTo(1_001);
        assertThat(c).isEqualTo(5_000);
        assertThat(d).isEqualTo(5_001);
        // A restart (a crash: nothing saved at the end) with a clock that went back still starts above d.
        ReadSequence again = new ReadSequence(new StateFile(dir, "src.read-seq.json"), () -> 10);
        assertThat(again.next()).isGreaterThan(d);
    }
}
