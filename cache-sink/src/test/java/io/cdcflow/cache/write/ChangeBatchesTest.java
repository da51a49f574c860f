package io.cdcflow.cache.write;

import io.cdcflow.model.Op;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cdcflow.cache.Events.change;
import static io.cdcflow.cache.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeBatchesTest {

    @Test
    void aTruncateCutsTheBatchSoRowsAfterItAreWrittenAfterIt() {
        SinkChange a = change("t", Op.CREATE, 1, row("id", 1), "id");
        SinkChange trunc = change("t", Op.TRUNCATE, 2, null, "id");
        SinkChange b = change("t", Op.CREATE, 3, row("id", 2), "id");
        List<ChangeBatches.Segment> s = ChangeBatches.segments(List.of(a, trunc, b));
        assertThat(s).containsExactly(new ChangeBatches.Rows(List.of(a)), new ChangeBatches.Truncate(trunc),
                new ChangeBatches.Rows(List.of(b)));
        assertThat(ChangeBatches.segments(List.of())).isEmpty();
    }

    @Test
    void onlyTheNewestChangeOfEachRowIsKeptWhateverTheOrder() {
        SinkChange c1 = change("t", Op.CREATE, 10, row("id", 1, "v", "a"), "id");
        SinkChange u1 = change("t", Op.UPDATE, 30, row("id", 1, "v", "c"), "id");
        SinkChange old1 = change("t", Op.UPDATE, 20, row("id", 1, "v", "b"), "id");
        SinkChange c2 = change("t", Op.CREATE, 15, row("id", 2), "id");
        SinkChange dup2 = change("t", Op.CREATE, 15, row("id", 2), "id");
        SinkChange other = change("u", Op.CREATE, 5, row("id", 1), "id");
        ChangeBatches.Latest l = ChangeBatches.latestPerRow(List.of(c1, u1, c2, old1, dup2, other));
        assertThat(l.kept()).containsExactly(u1, c2, other);
        assertThat(l.superseded()).containsExactlyInAnyOrder(c1, old1, dup2);
    }

    @Test
    void aDeleteNewerThanTheWritesOfItsRowWins() {
        SinkChange c = change("t", Op.CREATE, 10, row("id", 1), "id");
        SinkChange d = change("t", Op.DELETE, 11, row("id", 1), "id");
        assertThat(ChangeBatches.latestPerRow(List.of(d, c)).kept()).containsExactly(d);
    }
}
