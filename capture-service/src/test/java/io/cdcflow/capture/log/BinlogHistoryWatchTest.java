package io.cdcflow.capture.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogHistoryWatchTest {

    @Test
    void coordinatesOrderByFileNumberThenOffset() {
        var read = BinlogHistoryWatch.Coordinates.of("mariadb-bin.000003", 1459).orElseThrow();
        // RESET MASTER: the first file again, at a small offset.
        assertThat(BinlogHistoryWatch.Coordinates.of("mariadb-bin.000001", 900).orElseThrow()).isLessThan(read);
        assertThat(BinlogHistoryWatch.Coordinates.of("mariadb-bin.000003", 1000).orElseThrow()).isLessThan(read);
        // FLUSH BINARY LOGS: a later file at a small offset is ahead.
        assertThat(BinlogHistoryWatch.Coordinates.of("mariadb-bin.000004", 385).orElseThrow()).isGreaterThan(read);
        assertThat(BinlogHistoryWatch.Coordinates.of("mysql-bin.1000000", 4).orElseThrow())
                .isGreaterThan(BinlogHistoryWatch.Coordinates.of("mysql-bin.999999", 1L << 33).orElseThrow());
        assertThat(BinlogHistoryWatch.Coordinates.of("", 4)).isEmpty();
        assertThat(BinlogHistoryWatch.Coordinates.of("binlog.index", 4)).isEmpty();
    }

    @Test
    void nothingReadYetIsNeverBehind() {
        assertThat(new BinlogHistoryWatch(null, "jdbc:mariadb://127.0.0.1:1/none").check()).isEmpty();
    }
}
