package io.cdcflow.sink;

import io.cdcflow.model.Op;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a consumer batch into the pieces a writer applies one after the other: runs of row changes, cut at each
 * truncate (a truncate only concerns the rows written before it, so the rows after it must not be written first),
 * and, within a run, keeps only the newest change of each row: it would win anyway, and the others would be
 * refused as stale.
 */
public final class ChangeBatches {

    private ChangeBatches() {
    }

    /** One piece of a batch: a run of row changes, or a truncate. */
    public sealed interface Segment permits Rows, Truncate {
    }

    /** Row changes (creates, updates, reads, deletes) with no truncate between them. */
    public record Rows(List<SinkChange> changes) implements Segment {
    }

    /** A truncate of one table. */
    public record Truncate(SinkChange change) implements Segment {
    }

    /** The pieces of a batch, in order. */
    public static List<Segment> segments(List<SinkChange> batch) {
        List<Segment> out = new ArrayList<>();
        List<SinkChange> run = new ArrayList<>();
        for (SinkChange c : batch) {
            if (c.event().op() == Op.TRUNCATE) {
                if (!run.isEmpty()) {
                    out.add(new Rows(List.copyOf(run)));
                    run.clear();
                }
                out.add(new Truncate(c));
            } else {
                run.add(c);
            }
        }
        if (!run.isEmpty()) {
            out.add(new Rows(List.copyOf(run)));
        }
        return out;
    }

    /**
     * The newest change per row (table and key), in the order rows were first seen; on equal positions the first
     * one read wins. The others are returned as {@code superseded}.
     */
    public static Latest latestPerRow(List<SinkChange> changes) {
        Map<String, SinkChange> latest = new LinkedHashMap<>();
        List<SinkChange> superseded = new ArrayList<>();
        for (SinkChange c : changes) {
            String row = c.table().qualifiedName() + '\u0000' + c.key().asString();
            SinkChange held = latest.get(row);
            if (held == null) {
                latest.put(row, c);
            } else if (c.position().isNewerThan(held.position())) {
                latest.put(row, c);
                superseded.add(held);
            } else {
                superseded.add(c);
            }
        }
        return new Latest(List.copyOf(latest.values()), List.copyOf(superseded));
    }

    /** The changes to write and those a newer change of the same row made pointless. */
    public record Latest(List<SinkChange> kept, List<SinkChange> superseded) {
    }
}
