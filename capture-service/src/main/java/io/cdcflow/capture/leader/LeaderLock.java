package io.cdcflow.capture.leader;

/**
 * Makes sure one capture-service instance at a time captures a given source, so that a second replica (a
 * Kubernetes rollout, a mistake) is a safe standby instead of a second stream. The lock lives in the source
 * database itself and is held by one open session: if the holder dies, its session ends and the lock is free.
 */
public interface LeaderLock extends AutoCloseable {

    /** Tries once to take the lock; true when this instance holds it now. */
    boolean tryAcquire();

    /** True while the session holding the lock is alive. */
    boolean held();

    /** Releases the lock and closes its session. */
    @Override
    void close();
}
