package io.cdcflow.warehouse.write;

import io.cdcflow.sink.DeadLetter;

import java.util.List;

/**
 * What a batch did once committed: changes applied, changes skipped because the warehouse already held a newer
 * (or equal) position for their row, and records that can never be applied.
 */
public record WriteResult(int applied, int skippedStale, List<DeadLetter> deadLetters) {

    public WriteResult {
        deadLetters = List.copyOf(deadLetters);
    }
}
