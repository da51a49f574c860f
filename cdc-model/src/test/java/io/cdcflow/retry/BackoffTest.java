package io.cdcflow.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void doublesFromTheFirstWaitUpToTheCapAndResets() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
        long[] expected = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
        for (long ms : expected) {
            assertThat(b.next().toMillis()).isEqualTo(ms);
        }
        b.reset();
        assertThat(b.next().toMillis()).isEqualTo(100);
    }

    @Test
    void aFirstWaitAboveTheCapIsCapped() {
        assertThat(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).next()).isEqualTo(Duration.ofSeconds(1));
    }
}
