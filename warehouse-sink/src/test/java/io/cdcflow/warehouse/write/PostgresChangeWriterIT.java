package io.cdcflow.warehouse.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Op;
import io.cdcflow.model.TableRef;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.WriteResult;
import io.cdcflow.testkit.Stack;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.ColumnType.Kind;
import io.cdcflow.warehouse.schema.RowTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

import static io.cdcflow.warehouse.TestEvents.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PostgresChangeWriter}'s batch statements against the stack's warehouse: several versions of a key in one
 * batch, versions arriving out of order, replays, truncates amid rows, every column type the sink writes, and the
 * replay change by change when PostgreSQL refuses a record. Source commit times are {@code T0 + lsn} seconds, so a
 * version's {@code _cdc_valid_from} and {@code _cdc_valid_to} read back as LSNs.
 */
class PostgresChangeWriterIT {

    /** A history row as {@code lsn|op|valid_to as lsn (-1 when open)}. */
    private static final String VERSION = "concat_ws('|', split_part(_cdc_position, '.', 2)::bigint, _cdc_op,"
            + " coalesce(extract(epoch from _cdc_valid_to)::bigint - " + (WriterHarness.T0 / 1000) + ", -1))";

    private WriterHarness h;
    private String run;

    @BeforeEach
    void start() throws Exception {
        h = new WriterHarness(Stack.up(), "wit_");
        run = "w" + UUID.randomUUID().toString().substring(0, 6);
    }

    @AfterEach
    void stop() throws Exception {
        h.drop(run);
        h.close();
    }

    private SinkChange put(TableRef t, long lsn, int id, String name) {
        return h.change(t, lsn == 0 ? Op.CREATE : Op.UPDATE, lsn, row("id", id), row("id", id, "name", name));
    }

    private SinkChange delete(TableRef t, long lsn, int id) {
        return h.change(t, Op.DELETE, lsn, row("id", id), row("id", id, "name", null));
    }

    private SinkChange truncate(TableRef t, long lsn) {
        return h.change(t, Op.TRUNCATE, lsn, null, null);
    }

    private static List<Long> lsns(List<SinkChange> changes) {
        return changes.stream().map(c -> c.position().major()).sorted().toList();
    }

    private List<String> current(TableRef t) throws Exception {
        return h.strings("SELECT concat_ws('|', id, coalesce(name, '-'), split_part(_cdc_position, '.', 2)::bigint,"
                + " _cdc_deleted) FROM " + h.names(t).currentSql() + " ORDER BY id");
    }

    private List<String> history(TableRef t, int id) throws Exception {
        return h.strings("SELECT " + VERSION + " FROM " + h.names(t).historySql() + " WHERE id = " + id
                + " ORDER BY _cdc_position");
    }

    @Test
    void severalVersionsOfOneKeyInOneBatchKeepTheNewestAndEveryVersionInHistory() throws Exception {
        TableRef t = h.table(run, "multi");
        WriteResult r = h.writer.write(List.of(put(t, 10, 1, "a"), put(t, 11, 1, "b"), put(t, 13, 2, "x"),
                put(t, 12, 1, "c"), delete(t, 14, 2), put(t, 15, 3, "only")));

        assertThat(lsns(r.applied())).containsExactly(12L, 14L, 15L);
        assertThat(lsns(r.superseded())).containsExactly(10L, 11L, 13L);
        assertThat(r.skippedStale()).isEmpty();
        assertThat(current(t)).containsExactly("1|c|12|f", "2|-|14|t", "3|only|15|f");
        assertThat(history(t, 1)).containsExactly("10|u|11", "11|u|12", "12|u|-1");
        assertThat(history(t, 2)).containsExactly("13|u|14", "14|d|-1");
        assertThat(history(t, 3)).containsExactly("15|u|-1");
    }

    @Test
    void olderVersionsArrivingLaterRepairTheHistoryAndLeaveTheCurrentRow() throws Exception {
        TableRef t = h.table(run, "late");
        h.writer.write(List.of(put(t, 10, 1, "v10"), put(t, 30, 1, "v30")));
        WriteResult late = h.writer.write(List.of(put(t, 20, 1, "v20")));
        assertThat(late.applied()).isEmpty();
        assertThat(lsns(late.skippedStale())).containsExactly(20L);
        assertThat(history(t, 1)).containsExactly("10|u|20", "20|u|30", "30|u|-1");

        // Older, in-between and newer versions in one batch, around stored ones.
        WriteResult mixed = h.writer.write(List.of(put(t, 5, 1, "v5"), put(t, 25, 1, "v25"), put(t, 40, 1, "v40"),
                put(t, 35, 1, "v35")));
        assertThat(lsns(mixed.applied())).containsExactly(40L);
        assertThat(lsns(mixed.superseded())).containsExactly(5L, 25L, 35L);
        assertThat(current(t)).containsExactly("1|v40|40|f");
        assertThat(history(t, 1)).containsExactly("5|u|10", "10|u|20", "20|u|25", "25|u|30", "30|u|35", "35|u|40",
                "40|u|-1");

        // A batch wholly older than the stored row changes only the history.
        WriteResult old = h.writer.write(List.of(put(t, 1, 1, "v1"), put(t, 7, 1, "v7")));
        assertThat(old.applied()).isEmpty();
        assertThat(current(t)).containsExactly("1|v40|40|f");
        assertThat(history(t, 1)).startsWith("1|u|5", "5|u|7", "7|u|10", "10|u|20");
    }

    @Test
    void replayingBatchesChangesNothing() throws Exception {
        TableRef t = h.table(run, "replay");
        List<List<SinkChange>> batches = List.of(
                List.of(put(t, 10, 1, "a"), put(t, 11, 2, "b"), put(t, 12, 1, "c")),
                List.of(delete(t, 13, 2), put(t, 14, 3, "d"), truncate(t, 15), put(t, 16, 1, "e")),
                List.of(put(t, 17, 2, "f"), put(t, 18, 2, "g")));
        for (List<SinkChange> b : batches) {
            h.writer.write(b);
        }
        List<String> current = h.strings("SELECT to_jsonb(t)::text FROM " + h.names(t).currentSql() + " t ORDER BY id");
        List<String> history = h.strings("SELECT to_jsonb(t)::text FROM " + h.names(t).historySql()
                + " t ORDER BY id, _cdc_position");
        assertThat(history).hasSize(8);

        for (List<SinkChange> b : batches) {
            WriteResult again = h.writer.write(b);
            assertThat(again.applied()).isEmpty(); // the truncate too: the watermark does not move
            assertThat(again.skippedStale().size() + again.superseded().size()).isEqualTo(b.size());
        }
        assertThat(h.strings("SELECT to_jsonb(t)::text FROM " + h.names(t).currentSql() + " t ORDER BY id"))
                .isEqualTo(current);
        assertThat(h.strings("SELECT to_jsonb(t)::text FROM " + h.names(t).historySql() + " t ORDER BY id, _cdc_position"))
                .isEqualTo(history);
    }

    @Test
    void aTruncateAmidRowsEndsTheOlderOnesAndKeepsThemOutOfTheCurrentState() throws Exception {
        TableRef t = h.table(run, "trunc");
        h.writer.write(List.of(put(t, 5, 1, "before")));
        // The batch's truncate applies before its rows: the rows below it only reach the history, closed by it.
        WriteResult r = h.writer.write(List.of(put(t, 10, 1, "a"), put(t, 11, 2, "b"), truncate(t, 20),
                put(t, 15, 3, "c"), put(t, 25, 4, "d")));
        assertThat(lsns(r.applied())).containsExactly(20L, 25L);
        assertThat(lsns(r.skippedStale())).containsExactly(10L, 11L, 15L);
        assertThat(current(t)).containsExactly("4|d|25|f");
        assertThat(history(t, 1)).containsExactly("5|u|10", "10|u|20");
        assertThat(history(t, 2)).containsExactly("11|u|20");
        assertThat(history(t, 3)).containsExactly("15|u|20");

        // After the truncate: a new version does not close the one before the truncate; a late one before the
        // truncate is closed by the truncate, not by the version after it.
        h.writer.write(List.of(put(t, 30, 1, "after")));
        h.writer.write(List.of(put(t, 12, 1, "late")));
        assertThat(history(t, 1)).containsExactly("5|u|10", "10|u|12", "12|u|20", "30|u|-1");
        assertThat(current(t)).containsExactly("1|after|30|f", "4|d|25|f");
    }

    /** The kinds of {@link ColumnType} (each Java value the sink binds) with a value each and its text as stored. */
    private static Map<String, Object[]> everyType() {
        Map<String, Object[]> m = new LinkedHashMap<>();
        m.put("c_smallint", new Object[]{ColumnType.of(Kind.SMALLINT), -32768, "-32768"});
        m.put("c_integer", new Object[]{ColumnType.of(Kind.INTEGER), 2147483647, "2147483647"});
        m.put("c_bigint", new Object[]{ColumnType.of(Kind.BIGINT), 9_007_199_254_740_993L, "9007199254740993"});
        m.put("c_real", new Object[]{ColumnType.of(Kind.REAL), 0.1, "0.1"});
        m.put("c_double", new Object[]{ColumnType.of(Kind.DOUBLE), 1.0e-300, "1e-300"});
        m.put("c_numeric", new Object[]{ColumnType.of(Kind.NUMERIC), new BigDecimal("1E+3"), "1000"});
        m.put("c_decimal", new Object[]{new ColumnType(Kind.DECIMAL, "numeric(10,2)", 2),
                Base64.getEncoder().encodeToString(new java.math.BigInteger("-12345").toByteArray()), "-123.45"});
        ObjectNode variable = row("scale", 3, "value", Base64.getEncoder().encodeToString(new byte[]{0x30, 0x39}));
        m.put("c_varnum", new Object[]{ColumnType.of(Kind.VARIABLE_NUMERIC), variable, "12.345"});
        m.put("c_boolean", new Object[]{ColumnType.of(Kind.BOOLEAN), false, "false"});
        String hard = "a \"quoted\", {braced} \\back\\slash\nline ' é 😀";
        m.put("c_text", new Object[]{ColumnType.of(Kind.TEXT), hard, hard});
        m.put("c_text_null_word", new Object[]{ColumnType.of(Kind.TEXT), "NULL", "NULL"});
        m.put("c_text_empty", new Object[]{ColumnType.of(Kind.TEXT), "", ""});
        m.put("c_bytea", new Object[]{ColumnType.of(Kind.BYTEA),
                Base64.getEncoder().encodeToString(new byte[]{0, 1, (byte) 0x5c, (byte) 0x22, (byte) 255}), "\\x00015c22ff"});
        m.put("c_date", new Object[]{ColumnType.of(Kind.DATE_DAYS), 19723, "2024-01-01"});
        m.put("c_date_bc", new Object[]{ColumnType.of(Kind.DATE_DAYS), "-0043-03-15", "0044-03-15 BC"});
        m.put("c_time_ms", new Object[]{ColumnType.of(Kind.TIME_MILLIS), 45_296_789, "12:34:56.789"});
        m.put("c_time_us", new Object[]{ColumnType.of(Kind.TIME_MICROS), 45_296_000_001L, "12:34:56.000001"});
        m.put("c_time_ns", new Object[]{ColumnType.of(Kind.TIME_NANOS), 3_600_000_000_000L, "01:00:00"});
        m.put("c_timetz", new Object[]{ColumnType.of(Kind.TIMETZ), "10:15:30+05:30", "10:15:30+05:30"});
        m.put("c_ts_ms", new Object[]{ColumnType.of(Kind.TIMESTAMP_MILLIS), 1_704_067_200_123L, "2024-01-01 00:00:00.123"});
        m.put("c_ts_us", new Object[]{ColumnType.of(Kind.TIMESTAMP_MICROS), -1L, "1969-12-31 23:59:59.999999"});
        m.put("c_ts_ns", new Object[]{ColumnType.of(Kind.TIMESTAMP_NANOS), 1_704_067_200_000_001_000L,
                "2024-01-01 00:00:00.000001"});
        m.put("c_tstz", new Object[]{ColumnType.of(Kind.TIMESTAMPTZ), "2024-01-01T10:00:00.5+02:00",
                "2024-01-01 08:00:00.5+00"});
        m.put("c_tstz_z", new Object[]{ColumnType.of(Kind.TIMESTAMPTZ), "2024-06-30T23:59:59Z", "2024-06-30 23:59:59+00"});
        m.put("c_interval_us", new Object[]{ColumnType.of(Kind.INTERVAL_MICROS), 90_061_000_001L, "25:01:01.000001"});
        m.put("c_interval_iso", new Object[]{ColumnType.of(Kind.INTERVAL_MICROS), "P1Y2M3DT4H5M6.78S",
                "1 year 2 mons 3 days 04:05:06.78"});
        m.put("c_json_text", new Object[]{ColumnType.of(Kind.JSON_TEXT), "{\"a\": [1, \"x\\\"y\"]}", "{\"a\": [1, \"x\\\"y\"]}"});
        m.put("c_json_value", new Object[]{ColumnType.of(Kind.JSON_VALUE), row("k", "v", "n", 1), "{\"k\": \"v\", \"n\": 1}"});
        m.put("c_json_plain", new Object[]{new ColumnType(Kind.JSON_TEXT, "json", 0), "{\"b\":1,  \"a\":2}",
                "{\"b\":1,  \"a\":2}"});
        m.put("c_uuid", new Object[]{ColumnType.of(Kind.UUID_TEXT), "0b7c6a4e-5a57-4c42-9d6f-1f0a9b1c2d3e",
                "0b7c6a4e-5a57-4c42-9d6f-1f0a9b1c2d3e"});
        m.put("c_int_array", new Object[]{new ColumnType(Kind.TEXT, "integer[]", 0), "{1,NULL,3}", "{1,NULL,3}"});
        m.put("c_text_array", new Object[]{new ColumnType(Kind.TEXT, "text[]", 0), "{\"a,b\",\"\\\"q\\\"\"}",
                "{\"a,b\",\"\\\"q\\\"\"}"});
        m.put("c_varchar", new Object[]{new ColumnType(Kind.TEXT, "character varying(5)", 0), "abc", "abc"});
        m.put("c_null", new Object[]{ColumnType.of(Kind.TIMESTAMPTZ), null, "-"});
        return m;
    }

    private SinkChange typed(TableRef t, long lsn, int id, Map<String, Object[]> types, String mark) {
        ObjectNode img = row("id", id, "mark", mark);
        types.forEach((name, v) -> {
            switch (v[1]) {
                case null -> img.putNull(name);
                case ObjectNode o -> img.set(name, o);
                default -> img.setAll(row(name, v[1] instanceof Double d ? BigDecimal.valueOf(d) : v[1]));
            }
        });
        return h.change(t, Op.UPDATE, lsn, row("id", id), img, OptionalInt.of(77));
    }

    private List<String> typedRows(TableRef t, String table, Map<String, Object[]> types) throws Exception {
        StringBuilder cols = new StringBuilder("id::text, mark");
        types.keySet().forEach(c -> cols.append(", coalesce(").append(c).append("::text, '-')"));
        return h.strings("SELECT concat_ws(' | ', " + cols + ") FROM " + table + " ORDER BY id, _cdc_position");
    }

    @Test
    void everyColumnTypeRoundTripsAndTheReplayRowByRowWritesTheSame() throws Exception {
        Map<String, Object[]> types = everyType();
        Map<String, ColumnType> schema = new LinkedHashMap<>();
        schema.put("id", ColumnType.of(Kind.BIGINT));
        schema.put("mark", ColumnType.of(Kind.TEXT));
        types.forEach((name, v) -> schema.put(name, (ColumnType) v[0]));
        h.schemas.put(77, new RowTypes(77, schema));
        h.execute("SET TIME ZONE 'UTC'");

        TableRef batched = h.table(run, "types_batched");
        TableRef replayed = h.table(run, "types_replayed");
        for (TableRef t : List.of(batched, replayed)) {
            List<SinkChange> batch = new ArrayList<>(List.of(typed(t, 10, 1, types, "first"), typed(t, 11, 2, types, "x"),
                    typed(t, 12, 1, types, "second")));
            if (t == replayed) {
                // PostgreSQL refuses a NUL in text: the batch is replayed change by change and this one set aside.
                batch.add(typed(t, 13, 3, types, "nul\u0000"));
            }
            WriteResult r = h.writer.write(batch);
            assertThat(r.deadLetters()).hasSize(t == replayed ? 1 : 0);
            assertThat(r.applied().size() + r.skippedStale().size() + r.superseded().size()).isEqualTo(3);
        }

        List<String> expected = new ArrayList<>();
        StringBuilder values = new StringBuilder();
        types.values().forEach(v -> values.append(" | ").append(v[2]));
        expected.add("1 | second" + values);
        expected.add("2 | x" + values);
        assertThat(typedRows(batched, h.names(batched).currentSql(), types)).containsExactlyElementsOf(expected);
        assertThat(typedRows(batched, h.names(batched).historySql(), types))
                .containsExactly("1 | first" + values, "1 | second" + values, "2 | x" + values);

        // The per-row statements of the replay store exactly what the batch statements store.
        for (String table : List.of("current", "history")) {
            String a = table.equals("current") ? h.names(batched).currentSql() : h.names(batched).historySql();
            String b = table.equals("current") ? h.names(replayed).currentSql() : h.names(replayed).historySql();
            String order = table.equals("current") ? "id" : "id, _cdc_position";
            assertThat(h.strings("SELECT (to_jsonb(t) - '_cdc_applied_at')::text FROM " + b + " t ORDER BY " + order))
                    .isEqualTo(h.strings("SELECT (to_jsonb(t) - '_cdc_applied_at')::text FROM " + a + " t ORDER BY " + order));
        }
    }

    @Test
    void recordsPostgresqlRefusesAreDeadLetteredAndTheRestOfTheBatchApplies() throws Exception {
        TableRef t = h.table(run, "refused");
        Map<String, ColumnType> schema = new LinkedHashMap<>();
        schema.put("id", ColumnType.of(Kind.BIGINT));
        schema.put("name", ColumnType.of(Kind.TEXT));
        schema.put("price", new ColumnType(Kind.DECIMAL, "numeric(5,2)", 2));
        h.schemas.put(78, new RowTypes(78, schema));
        List<SinkChange> batch = List.of(
                h.change(t, Op.CREATE, 10, row("id", 1), row("id", 1, "name", "ok", "price", new BigDecimal("1.50")), OptionalInt.of(78)),
                h.change(t, Op.CREATE, 11, row("id", 2), row("id", 2, "name", "nul\u0000", "price", BigDecimal.ONE), OptionalInt.of(78)),
                // Passes the sink's conversion, overflows numeric(5,2) in PostgreSQL.
                h.change(t, Op.CREATE, 12, row("id", 3), row("id", 3, "name", "big", "price", new BigDecimal("123456.7")), OptionalInt.of(78)),
                h.change(t, Op.UPDATE, 13, row("id", 1), row("id", 1, "name", "ok2", "price", new BigDecimal("2.50")), OptionalInt.of(78)),
                h.change(t, Op.CREATE, 14, row("id", 4), row("id", 4, "name", "fine", "price", null), OptionalInt.of(78)));
        WriteResult r = h.writer.write(batch);

        assertThat(r.deadLetters()).extracting(DeadLetter::reason).containsExactly("rejected_by_store", "rejected_by_store");
        assertThat(r.deadLetters()).extracting(d -> d.origin().offset())
                .containsExactly(batch.get(1).origin().offset(), batch.get(2).origin().offset());
        assertThat(r.applied().size() + r.skippedStale().size() + r.superseded().size()).isEqualTo(3);
        assertThat(h.strings("SELECT concat_ws('|', id, name, coalesce(price::text, '-')) FROM " + h.names(t).currentSql()
                + " ORDER BY id")).containsExactly("1|ok2|2.50", "4|fine|-");
        assertThat(h.strings("SELECT " + VERSION + " FROM " + h.names(t).historySql() + " ORDER BY id, _cdc_position"))
                .containsExactly("10|c|13", "13|u|-1", "14|c|-1");
    }
}
