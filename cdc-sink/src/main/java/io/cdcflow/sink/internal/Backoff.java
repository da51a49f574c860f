package io.cdcflow.sink.internal;

import java.time.Duration;

/** Exponential backoff: the first wait, then double each time up to a cap; {@link #reset()} after a success. */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The wait before the next attempt; each call doubles the one after, up to the cap. */
    public Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now.compareTo(max) > 0 ? max : now;
    }

    public void reset() {
        next = initial;
    }
}
