package io.cdcflow.retry;

import java.time.Duration;

/**
 * Exponential backoff for one outage: waits {@code initial}, then twice as long each time, capped at {@code max};
 * {@link #reset()} after a success. Not shared between threads.
 */
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

    /** Sleeps for {@link #next()}; an interrupt ends the wait and the retrying. */
    public void pause() {
        try {
            Thread.sleep(next().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry; the batch will be consumed again", e);
        }
    }

    /** Starts again from the first wait. */
    public void reset() {
        next = initial;
    }
}
