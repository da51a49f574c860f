package io.cdcflow.capture.jdbc;

import io.cdcflow.capture.source.ChangeSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a change source on its own thread for a test, and stops it as the runner would. */
public final class SourceThread implements AutoCloseable {

    private final ChangeSource source;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public SourceThread(ChangeSource source) {
        this.source = source;
        this.thread = Thread.ofPlatform().name("it-" + source.name()).start(() -> {
            try {
                source.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    /** Waits until the source says it captures; fails with the source's own error if it died. */
    public SourceThread awaitCapturing() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!source.capturing()) {
            if (failure.get() != null) {
                throw new AssertionError("the source failed", failure.get());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("the source did not start capturing in 30 s");
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** The error the source stopped with, if any. */
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        source.close();
        thread.join(Duration.ofSeconds(20));
        if (failure.get() != null) {
            throw new AssertionError("the source failed", failure.get());
        }
    }
}
