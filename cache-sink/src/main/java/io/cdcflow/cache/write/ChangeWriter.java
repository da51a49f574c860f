package io.cdcflow.cache.write;

import java.util.List;

/**
 * Applies parsed changes to a store under the idempotency rule: a change reaches row K only when its position is
 * newer than the one the store holds for K, checked atomically in the store, and a delete leaves a tombstone with
 * its position. An implementation never throws because the store is unavailable: what it could not write comes
 * back in {@link WriteResult#retry()}, and the caller backs off and writes that again.
 */
public interface ChangeWriter {

    /** Writes the changes of one consumer batch, in order; returns what became of each. */
    WriteResult write(List<SinkChange> changes);
}
