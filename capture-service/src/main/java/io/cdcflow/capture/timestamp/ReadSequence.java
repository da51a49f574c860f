package io.cdcflow.capture.timestamp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.capture.state.StateStore;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The position of each row state the timestamp strategy publishes: a per-source number that only grows, assigned
 * when capture reads the state. A polling source reads current states, so the order in which it reads them is the
 * order of the states, whatever {@code updated_at} says (a transaction that started earlier stamps an earlier
 * {@code now()} and may commit later; a column with second precision gives two states one value).
 *
 * <p>Each number is {@code max(last + 1, now in epoch microseconds)}, so it stays above what an earlier run assigned
 * even when this state file is lost (clocks permitting), and close to the time of the read. Numbers are reserved
 * ahead in blocks of ten seconds, saved durably before any of them is used: after a crash the next number starts
 * above every one handed out, whatever was saved with the watermarks. Stored as the source's state {@code read-seq}.
 */
final class ReadSequence {

    private static final long RESERVE_US = 10_000_000;

    private final StateStore file;
    private final LongSupplier nowUs;
    private long last;
    private long reserved;

    ReadSequence(StateStore file, LongSupplier nowUs) throws IOException {
        this.file = file;
        this.nowUs = nowUs;
        this.reserved = file.load().path("reserved").asLong(0);
        this.last = reserved;
    }

    ReadSequence(StateStore file) throws IOException {
        this(file, () -> {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        });
    }

    /** The next position, above every one handed out before. */
    long next() throws IOException {
        long v = Math.max(last + 1, nowUs.getAsLong());
        if (v >= reserved) {
            reserved = v + RESERVE_US;
            ObjectNode state = Json.mapper().createObjectNode().put("reserved", reserved);
            file.save(state);
        }
        last = v;
        return v;
    }
}
