package io.cdcflow.capture.source;

/**
 * Reads committed changes from one source database and hands them, in batches, to a publisher; commits its own
 * position (offset, slot, watermark) only after the publisher returned. One implementation per capture strategy.
 *
 * <p>Lifecycle: created by its {@link ChangeSourceFactory} at start-up; {@link #run()} blocks on the calling
 * thread until the source stops or fails (it then throws, and the runner restarts it with backoff);
 * {@link #close()} asks it to stop from another thread.
 */
public interface ChangeSource extends AutoCloseable {

    /** The logical source name (topic prefix). */
    String name();

    /** True while the source is connected and capturing (snapshot or stream), for readiness. */
    boolean capturing();

    /** Captures until closed; throws when capture failed and should be restarted. */
    void run() throws Exception;

    @Override
    void close();
}
