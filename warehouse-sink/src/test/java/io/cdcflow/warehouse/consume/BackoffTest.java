package io.cdcflow.warehouse.consume;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void doublesFromTheInitialWaitUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(400));
        for (int i = 0; i < 20; i++) {
            b.next();
        }
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anInitialWaitOverTheCapIsCapped() {
        assertThat(new Backoff(Duration.ofMinutes(5), Duration.ofSeconds(30)).next()).isEqualTo(Duration.ofSeconds(30));
    }
}
