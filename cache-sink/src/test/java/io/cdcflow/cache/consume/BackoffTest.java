package io.cdcflow.cache.consume;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void doublesFromTheFirstWaitUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            waits.add(b.next().toMillis());
        }
        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L,
                30000L, 30000L);
    }

    @Test
    void aFirstWaitAboveTheCapIsCapped() {
        assertThat(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).next()).isEqualTo(Duration.ofSeconds(1));
    }
}
