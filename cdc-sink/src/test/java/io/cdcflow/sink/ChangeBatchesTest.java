package io.cdcflow.sink;

import io.cdcflow.model.Op;
import io.cdcflow.sink.Events;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeBatchesTest {

    private static SinkChange c(String table, Op op, long lsn, int id) {
        return Events.change(table, op, lsn, Events.row("id", id, "v", lsn), "id");
    }

    @Test
    void keepsTheNewestChangeOfEachRowWhateverTheOrder() {
        SinkChange a1 = c("t", Op.CREATE, 10, 1);
        SinkChange a3 = c("t", Op.DELETE, 30, 1);
        SinkChange a2 = c("t", Op.UPDATE, 20, 1);
        SinkChange b = c("t", Op.CREATE, 15, 2);
        SinkChange otherTable = c("u", Op.CREATE, 5, 1);
        ChangeBatches.Latest latest = ChangeBatches.latestPerRow(List.of(a1, a3, b, a2, otherTable));
        assertThat(latest.kept()).containsExactly(a3, b, otherTable);
        assertThat(latest.superseded()).containsExactlyInAnyOrder(a1, a2);
    }

    @Test
    void aDuplicateOfTheSamePositionIsSupersededByTheFirst() {
        SinkChange first = c("t", Op.CREATE, 10, 1);
        SinkChange again = c("t", Op.CREATE, 10, 1);
        ChangeBatches.Latest latest = ChangeBatches.latestPerRow(List.of(first, again));
        assertThat(latest.kept()).containsExactly(first);
        assertThat(latest.superseded()).containsExactly(again);
    }

    @Test
    void truncatesCutTheBatchIntoOrderedSegments() {
        SinkChange x = c("t", Op.CREATE, 10, 1);
        SinkChange t = Events.change("t", Op.TRUNCATE, 20, Events.row(), "id");
        SinkChange y = c("t", Op.CREATE, 30, 2);
        List<ChangeBatches.Segment> s = ChangeBatches.segments(List.of(x, t, y));
        assertThat(s).containsExactly(new ChangeBatches.Rows(List.of(x)), new ChangeBatches.Truncate(t),
                new ChangeBatches.Rows(List.of(y)));
        assertThat(ChangeBatches.segments(List.of(t))).containsExactly(new ChangeBatches.Truncate(t));
    }

    @Test
    void aDeleteNewerThanTheWritesOfItsRowWins() {
        SinkChange c = c("t", Op.CREATE, 10, 1);
        SinkChange d = c("t", Op.DELETE, 11, 1);
        assertThat(ChangeBatches.latestPerRow(List.of(d, c)).kept()).containsExactly(d);
    }
}
