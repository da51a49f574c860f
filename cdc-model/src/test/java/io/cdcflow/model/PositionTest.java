package io.cdcflow.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PositionTest {

    private static SourceInfo source(String json) {
        try {
            return new SourceInfo((ObjectNode) Json.mapper().readTree(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNewerGenerationWinsOverAnyPositionOfAnOlderOne() {
        Position old = new Position(0, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(Position.floor(1).isNewerThan(old)).isTrue();
        assertThat(Position.snapshot(1).isNewerThan(Position.floor(1))).isTrue();
        assertThat(new Position(1, 1, 0).isNewerThan(Position.snapshot(1))).isTrue();
        assertThat(Position.of(source("{\"connector\":\"postgresql\",\"lsn\":5,\"cdc_generation\":2,\"snapshot\":\"false\"}"), null))
                .isEqualTo(new Position(2, 5, 0));
    }

    @Test
    void aSweepIsTheFloorOfItsGenerationAndSnapshotRowsSitJustAboveIt() {
        Position sweep = Position.of(source("{\"connector\":\"trigger\",\"seq\":99,\"cdc_generation\":3,\"cdc_sweep\":true}"), null);
        Position read = Position.of(source("{\"connector\":\"trigger\",\"snapshot\":\"true\",\"cdc_generation\":3}"), null);

        assertThat(sweep).isEqualTo(Position.floor(3));
        assertThat(read).isEqualTo(Position.snapshot(3)).matches(r -> r.isNewerThan(sweep));
    }

    @Test
    void mariaDbEventsWithAGtidAreOrderedBySequenceThenOrderInTheTransaction() {
        Position first = Position.of(source("{\"connector\":\"mariadb\",\"file\":\"mysql-bin.000009\",\"pos\":900,"
                + "\"row\":0,\"gtid\":\"0-1-41\",\"snapshot\":\"false\"}"), new TransactionInfo("0-1-41", 70_000, 1));
        // Same transaction read again from a replica: other binlog coordinates, same GTID and order.
        Position onReplica = Position.of(source("{\"connector\":\"mariadb\",\"file\":\"replica-bin.000001\",\"pos\":4,"
                + "\"row\":0,\"gtid\":\"0-1-41\",\"snapshot\":\"false\"}"), new TransactionInfo("0-1-41", 70_000, 1));
        Position next = Position.of(source("{\"connector\":\"mariadb\",\"file\":\"replica-bin.000001\",\"pos\":8,"
                + "\"gtid\":\"0-2-42\",\"snapshot\":\"false\"}"), new TransactionInfo("0-2-42", 1, 1));

        assertThat(first).isEqualTo(new Position(0, 41, 70_000)).isEqualTo(onReplica);
        assertThat(next.isNewerThan(first)).isTrue();
    }

    @Test
    void binlogCoordinatesBeyondTheOldPackingStillOrder() {
        Position rolledOver = Position.binlog(0, 70_000, 4, 0);
        Position manyRows = Position.binlog(0, 65_535, 4_000_000_000L, 40_000);
        Position before = Position.binlog(0, 65_535, 4_000_000_000L, 39_999);

        assertThat(rolledOver.isNewerThan(manyRows)).isTrue();
        assertThat(manyRows.isNewerThan(before)).isTrue();
        assertThatThrownBy(() -> Position.binlog(0, 1, 1L << 32, 0))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.BAD_POSITION))
                .hasMessageContaining("4 GiB");
    }

    @Test
    void timestampEventsOrderByTheirReadSequenceAndFallBackToTheirTimestamp() {
        assertThat(Position.of(source("{\"connector\":\"timestamp\",\"seq\":7,\"ts_us\":100}"), null))
                .isEqualTo(new Position(7));
        assertThat(Position.of(source("{\"connector\":\"timestamp\",\"ts_us\":100}"), null))
                .isEqualTo(new Position(100));
    }

    @Test
    void theSortKeyOrdersAsThePositionsDoAndReadsBack() {
        Random random = new Random(7);
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            positions.add(new Position(random.nextInt(4), random.nextBoolean() ? random.nextLong(10) : random.nextLong(Long.MAX_VALUE),
                    random.nextBoolean() ? 0 : random.nextLong(Long.MAX_VALUE)));
        }
        positions.add(new Position(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        positions.add(Position.floor(0));
        List<Position> byKey = new ArrayList<>(positions);
        byKey.sort((a, b) -> a.sortKey().compareTo(b.sortKey()));
        Collections.sort(positions);

        assertThat(byKey).isEqualTo(positions);
        assertThat(positions).allSatisfy(p -> assertThat(Position.parseSortKey(p.sortKey())).isEqualTo(p));
        assertThat(new Position(1, 2, 3).sortKey()).isEqualTo("0000000001.0000000000000000002.0000000000000000003");
    }
}
