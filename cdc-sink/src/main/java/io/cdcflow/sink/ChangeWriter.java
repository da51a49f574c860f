package io.cdcflow.sink;

import java.util.List;

/**
 * What a sink module implements for its store: the one CDI bean that applies parsed changes to the store under the
 * idempotency rule: a change reaches row K only when its position is newer than the one the store holds for K,
 * decided atomically in the store, and a delete leaves a tombstone with its position.
 *
 * <p><b>Lifecycle</b>, driven by the shared consumer of cdc-sink:
 * <ol>
 *   <li>The bean is created at start-up, after the configuration was validated; it holds its store client.</li>
 *   <li>{@link #write} is called with one batch at a time, in partition order, on one consumer thread; the changes
 *   are already parsed (records that are not change events never reach it).</li>
 *   <li>What {@link #write} reports as {@link WriteResult#retry() retry} is given back to it, after a backoff, until
 *   nothing is left to retry; the consumer takes no new batch meanwhile.</li>
 *   <li>Once nothing is left to retry and the dead letters are in Kafka, the batch's offsets are committed: a
 *   change reported {@link WriteResult#applied() applied} must be durable in the store by then.</li>
 *   <li>At shutdown the bean is destroyed with the application; an unfinished batch is consumed again by the next
 *   run, which the position rule makes harmless.</li>
 * </ol>
 *
 * <p><b>One failure rule.</b> {@link #write} does not throw for anything the store does: every change ends in exactly
 * one list of the result: applied, skipped as stale (the store held a newer or the same position), dead-lettered
 * (the store can never take it: bad values, names it refuses), or retry (the store cannot take it now: unreachable,
 * overloaded, failing), with the cause.
 */
public interface ChangeWriter {

    /** The store's name in log lines and health checks, e.g. {@code Redis}. */
    String store();

    /** Writes the changes, in order; returns what became of each. */
    WriteResult write(List<SinkChange> changes);
}
