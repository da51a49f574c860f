package io.cdcflow.sink;

import java.util.List;

/**
 * Applies parsed changes to a store under the idempotency rule: a change reaches row K only when its position is
 * newer than the one the store holds for K, atomically in the store, and a delete leaves a tombstone with its
 * position. Implementations never throw for an unavailable store: what could not be written is returned in
 * {@link WriteResult#retry()}.
 */
public interface ChangeWriter {

    /** Writes the changes, in order; returns what became of each. */
    WriteResult write(List<SinkChange> changes);
}
