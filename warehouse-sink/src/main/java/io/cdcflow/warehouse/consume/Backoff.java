package io.cdcflow.warehouse.consume;

import java.time.Duration;

/**
 * Exponential backoff for one outage: waits {@code initial}, then twice as long each time, capped at {@code max}.
 * One instance per outage; not shared between threads.
 */
public final class Backoff {

    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        this.max = max;
        this.next = initial.compareTo(max) > 0 ? max : initial;
    }

    /** The wait before the next attempt, and moves on to the one after. */
    public Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    /** Sleeps for {@link #next()}; an interrupt ends the wait and the retrying. */
    public void pause() {
        try {
            Thread.sleep(next());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
