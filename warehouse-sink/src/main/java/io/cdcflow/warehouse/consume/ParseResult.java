package io.cdcflow.warehouse.consume;

import io.cdcflow.sink.DeadLetter;
import io.cdcflow.warehouse.write.SinkChange;

/** What parsing one record gave: a change for the writer, or a dead letter. */
public sealed interface ParseResult {

    record Accepted(SinkChange change) implements ParseResult {
    }

    record Rejected(DeadLetter deadLetter) implements ParseResult {
    }
}
