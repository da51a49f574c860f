package io.cdcflow.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link ChangeWriter} did with a list of changes. Every change ends in exactly one list: applied, skipped
 * because the store already held a newer (or the same) position (a re-delivery, or a change that arrived after a
 * newer one of its row), superseded by a newer change of the same row in the same list (written instead of it),
 * dead-lettered, or to be retried because the store was unavailable ({@link #retryCause()} says why); the caller
 * backs off and writes the {@code retry} list again.
 */
public record WriteResult(List<SinkChange> applied, List<SinkChange> skippedStale, List<SinkChange> superseded,
                          List<DeadLetter> deadLetters, List<SinkChange> retry, String retryCause) {

    public WriteResult {
        applied = List.copyOf(applied);
        skippedStale = List.copyOf(skippedStale);
        superseded = List.copyOf(superseded);
        deadLetters = List.copyOf(deadLetters);
        retry = List.copyOf(retry);
    }

    /** True when nothing is left to retry. */
    public boolean complete() {
        return retry.isEmpty();
    }

    /** Collects outcomes while a writer works through a batch. */
    public static final class Builder {
        private final List<SinkChange> applied = new ArrayList<>();
        private final List<SinkChange> stale = new ArrayList<>();
        private final List<SinkChange> superseded = new ArrayList<>();
        private final List<DeadLetter> dead = new ArrayList<>();
        private final List<SinkChange> retry = new ArrayList<>();
        private String retryCause;

        public Builder applied(SinkChange c) {
            applied.add(c);
            return this;
        }

        public Builder stale(SinkChange c) {
            stale.add(c);
            return this;
        }

        /** Not written: a newer change of the same row in the same list was written instead. */
        public Builder superseded(SinkChange c) {
            superseded.add(c);
            return this;
        }

        public Builder deadLetter(SinkChange c, String reason, String message) {
            dead.add(new DeadLetter(c.origin(), reason, message));
            return this;
        }

        public Builder deadLetter(DeadLetter d) {
            dead.add(d);
            return this;
        }

        public Builder retry(List<SinkChange> changes, String cause) {
            retry.addAll(changes);
            if (retryCause == null) {
                retryCause = cause;
            }
            return this;
        }

        public Builder retry(SinkChange c, String cause) {
            retry.add(c);
            if (retryCause == null) {
                retryCause = cause;
            }
            return this;
        }

        public WriteResult build() {
            return new WriteResult(applied, stale, superseded, dead, retry, retryCause);
        }
    }
}
