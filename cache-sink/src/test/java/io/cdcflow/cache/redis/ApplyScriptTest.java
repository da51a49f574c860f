package io.cdcflow.cache.redis;

import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.sink.Events;
import io.cdcflow.sink.SinkChange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static io.cdcflow.sink.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplyScriptTest {

    private static final RedisKeys KEYS = new RedisKeys("cdc");
    private static final TablePolicy ALL = new TablePolicy(0, null);
    private static final long DAY = 86_400_000L;

    @Test
    void anUpsertPassesTableAndRowKeysThePositionTheRowJsonAndTheRowTtl() throws Exception {
        SinkChange c = Events.change("customers", Op.UPDATE, 4242, row("id", 7, "name", "Ada",
                "balance", new BigDecimal("10.50")), "id");
        List<String> args = ApplyScript.rowArguments(KEYS, c, new TablePolicy(3_600_000, null), DAY);
        assertThat(args).hasSize(7);
        assertThat(args.subList(0, 5)).containsExactly("2", "cdc:src.public.customers",
                "cdc:src.public.customers:7", "u", new Position(4242).sortKey());
        // Decimals keep their exact digits (trailing zero included).
        assertThat(Json.mapper().readTree(args.get(5))).isEqualTo(row("id", 7, "name", "Ada",
                "balance", new BigDecimal("10.50")));
        assertThat(args.get(5)).contains("10.50");
        assertThat(args.get(6)).isEqualTo("3600000");
    }

    @Test
    void snapshotReadsAndCreatesAreUpserts() {
        for (Op op : List.of(Op.CREATE, Op.READ)) {
            SinkChange c = Events.change("t", op, 1, row("id", 1), "id");
            assertThat(ApplyScript.rowArguments(KEYS, c, ALL, DAY).get(3)).isEqualTo("u");
        }
    }

    @Test
    void aDeletePassesNoRowAndTheTombstoneTtl() {
        SinkChange c = Events.change("customers", Op.DELETE, 500, row("id", 7, "name", "Ada"), "id");
        assertThat(ApplyScript.rowArguments(KEYS, c, new TablePolicy(60_000, List.of("id")), DAY))
                .containsExactly("2", "cdc:src.public.customers", "cdc:src.public.customers:7", "d", new Position(500).sortKey(), "",
                        "86400000");
    }

    @Test
    void fieldSelectionKeepsOnlyTheConfiguredColumnsInTheirOrder() throws Exception {
        SinkChange c = Events.change("customers", Op.CREATE, 1, row("id", 7, "name", "Ada", "secret", "x",
                "email", "ada@example.org"), "id");
        String json = ApplyScript.rowArguments(KEYS, c, new TablePolicy(0, List.of("email", "id", "missing")), DAY)
                .get(5);
        assertThat(json).isEqualTo("{\"email\":\"ada@example.org\",\"id\":7}");
    }

    @Test
    void positionsArePassedAsTheirFixedWidthSortKeys() {
        long lsn = (1L << 60) + 1;
        SinkChange c = Events.change("t", Op.CREATE, lsn, row("id", 1), "id");
        assertThat(ApplyScript.rowArguments(KEYS, c, ALL, DAY).get(4))
                .isEqualTo("0000000000.1152921504606846977.0000000000000000000");
    }

    @Test
    void aTruncateRaisesTheWatermarkAloneOrTombstonesOneScannedRow() {
        assertThat(ApplyScript.truncateArguments("cdc:s.p.t", null, "900", DAY))
                .containsExactly("1", "cdc:s.p.t", "t", "900", "", "86400000");
        assertThat(ApplyScript.truncateArguments("cdc:s.p.t", "cdc:s.p.t:4", "900", 0))
                .containsExactly("2", "cdc:s.p.t", "cdc:s.p.t:4", "t", "900", "", "0");
        SinkChange t = Events.change("t", Op.TRUNCATE, 9, null, "id");
        assertThatThrownBy(() -> ApplyScript.rowArguments(KEYS, t, ALL, DAY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theScriptIsCalledByTheSha1OfItsText() throws Exception {
        assertThat(ApplyScript.SOURCE).contains("field(KEYS[2], 'pos')");
        assertThat(ApplyScript.SHA).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(ApplyScript.SOURCE.getBytes(StandardCharsets.UTF_8))));
        // The request as it goes on the wire (RESP): EVALSHA <sha> 2 <table key> <row key> ...
        assertThat(ApplyScript.rowRequest(KEYS, Events.change("t", Op.CREATE, 1, row("id", 1), "id"), ALL, DAY)
                .toString()).startsWith("*9\r\n$7\r\nevalsha\r\n$40\r\n" + ApplyScript.SHA + "\r\n$1\r\n2\r\n");
    }
}
