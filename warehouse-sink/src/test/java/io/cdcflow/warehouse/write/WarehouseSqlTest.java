package io.cdcflow.warehouse.write;

import io.cdcflow.model.TableRef;
import io.cdcflow.warehouse.sql.Identifiers;
import io.cdcflow.warehouse.sql.InvalidIdentifierException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarehouseSqlTest {

    private final WarehouseSql sql = new WarehouseSql("cdc_sink");

    private static TableShape shape() {
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("id", "integer");
        cols.put("na\"me", "text");
        cols.put("price", "numeric(10,2)");
        return new TableShape(TableNames.of(new TableRef("inventory", "public", "customers"), "_history"),
                List.of("id"), cols);
    }

    private static long params(String statement) {
        return statement.chars().filter(ch -> ch == '?').count();
    }

    @Test
    void namesFollowSourceAndNamespace() {
        TableNames n = TableNames.of(new TableRef("inventory", "public", "customers"), "_history");
        assertThat(n.currentSql()).isEqualTo("\"inventory_public\".\"customers\"");
        assertThat(n.historySql()).isEqualTo("\"inventory_public\".\"customers_history\"");
        assertThat(TableNames.of(new TableRef("inventory", "public", "customers"), "dev_", "_history").currentSql())
                .isEqualTo("\"dev_inventory_public\".\"customers\"");
    }

    @Test
    void namesTooLongOrEmptyAreRefused() {
        assertThatThrownBy(() -> TableNames.of(new TableRef("inventory", "public", "t".repeat(60)), "_history"))
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> TableNames.of(new TableRef("inventory", "public", ""), "_history"))
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> TableNames.of(new TableRef("", "public", "t"), "_history"))
                .isInstanceOf(InvalidIdentifierException.class);
        assertThatThrownBy(() -> Identifiers.quote("a\u0000b")).isInstanceOf(InvalidIdentifierException.class);
    }

    @Test
    void identifiersAreQuotedWithInnerQuotesDoubled() {
        assertThat(Identifiers.quote("na\"me")).isEqualTo("\"na\"\"me\"");
        assertThat(Identifiers.quote("Mixed Case")).isEqualTo("\"Mixed Case\"");
    }

    @Test
    void upsertIsGuardedByPositionAndTruncation() {
        String s = sql.upsertCurrent(shape());
        assertThat(s).startsWith("INSERT INTO \"inventory_public\".\"customers\" AS t (\"id\", \"na\"\"me\", \"price\"");
        assertThat(s).contains("CAST(? AS numeric(10,2))");
        assertThat(s).contains("ON CONFLICT (\"id\") DO UPDATE SET \"na\"\"me\" = EXCLUDED.\"na\"\"me\"");
        assertThat(s).doesNotContain("\"id\" = EXCLUDED.\"id\"");
        assertThat(s).endsWith("WHERE t.\"_cdc_position\" < EXCLUDED.\"_cdc_position\"");
        assertThat(s).contains("w.position >= ?");
        // 3 columns + position, deleted, op, source time + schema, table, position
        assertThat(params(s)).isEqualTo(3 + 4 + 3);
    }

    @Test
    void historyInsertIsIdempotentAndClosesNeighbours() {
        String s = sql.insertHistory(shape());
        assertThat(s).contains("ON CONFLICT (\"id\", \"_cdc_position\") DO NOTHING");
        assertThat(s).contains("UPDATE \"inventory_public\".\"customers_history\" AS p SET \"_cdc_valid_to\"");
        // 3 columns + position, op, deleted, source time, valid from + (schema, table) twice
        assertThat(params(s)).isEqualTo(3 + 5 + 4);
    }

    @Test
    void batchUpsertTakesOneArrayPerColumnAndOffersOnlyTheNewestChangePerKey() {
        String s = sql.upsertCurrentRows(shape());
        // 3 columns + position, deleted, op, source time, each an array; then schema, table
        assertThat(params(s)).isEqualTo(3 + 4 + 2);
        assertThat(s).contains("FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
                + " CAST(? AS boolean[]), CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS u(\"id\", \"na\"\"me\","
                + " \"price\", \"_cdc_position\", \"_cdc_deleted\", \"_cdc_op\", \"_cdc_source_ts\", \"_cdc_n\")");
        assertThat(s).contains("CAST(u.\"price\" AS numeric(10,2)) AS \"price\"")
                .contains("u.\"_cdc_position\" COLLATE \"C\" AS \"_cdc_position\"");
        assertThat(s).contains("SELECT DISTINCT ON (\"id\") * FROM b ORDER BY \"id\", \"_cdc_position\" DESC, \"_cdc_n\"");
        assertThat(s).contains("w.position >= l.\"_cdc_position\"");
        assertThat(s).contains("ON CONFLICT (\"id\") DO UPDATE SET \"na\"\"me\" = EXCLUDED.\"na\"\"me\"")
                .doesNotContain("\"id\" = EXCLUDED.\"id\"")
                .contains("WHERE t.\"_cdc_position\" < EXCLUDED.\"_cdc_position\" RETURNING t.\"id\")");
        // The offered changes and the written keys come back side by side, with no join of the two.
        assertThat(s).endsWith("SELECT l.\"_cdc_n\", CAST(ROW(l.\"id\") AS text) FROM l"
                + " UNION ALL SELECT NULL, CAST(ROW(up.\"id\") AS text) FROM up").doesNotContain("JOIN up");
    }

    @Test
    void batchHistoryInsertWorksOutNeighboursOverStoredAndNewVersions() {
        String s = sql.insertHistoryRows(shape());
        // 3 columns + position, op, deleted, source time, valid from, each an array; then schema, table
        assertThat(params(s)).isEqualTo(3 + 5 + 2);
        assertThat(s).contains("SELECT DISTINCT ON (\"id\", \"_cdc_position\") * FROM b");
        // The stored version just before and just after each new one, by the primary key's index.
        assertThat(s).contains("x.\"_cdc_position\" < nw.\"_cdc_position\" ORDER BY x.\"_cdc_position\" DESC LIMIT 1")
                .contains("x.\"_cdc_position\" > nw.\"_cdc_position\" ORDER BY x.\"_cdc_position\" LIMIT 1");
        // The batch's own versions before and after each new one, by window; no join of two CTEs anywhere.
        assertThat(s).contains("lag(nw.\"_cdc_position\") OVER w").contains("lead(nw.\"_cdc_valid_from\") OVER w")
                .contains("PARTITION BY nw.\"id\" ORDER BY nw.\"_cdc_position\"")
                .doesNotContain("JOIN nx").doesNotContain("JOIN ins").doesNotContain("FROM nw JOIN");
        assertThat(s).contains("ON CONFLICT (\"id\", \"_cdc_position\") DO NOTHING");
        // The stored version before a new one is closed by the first new version after it.
        assertThat(s).contains("UPDATE \"inventory_public\".\"customers_history\" AS p SET \"_cdc_valid_to\" = nx.\"_cdc_valid_from\"")
                .contains("(nx.\"_cdc_prev_new\" IS NULL OR nx.\"_cdc_prev_new\" < nx.\"_cdc_prev_stored\")");
        // A truncate between a version and its successor ends it; nor does the successor close it then.
        assertThat(s).contains("CASE WHEN wm.position > nx.\"_cdc_position\"")
                .endsWith("AND NOT EXISTS (SELECT 1 FROM wm WHERE wm.position > p.\"_cdc_position\""
                        + " AND wm.position < nx.\"_cdc_position\")");
    }

    @Test
    void compositeKeysMatchOnEveryColumn() {
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("a", "integer");
        cols.put("b", "text");
        cols.put("v", "jsonb");
        TableShape s = new TableShape(TableNames.of(new TableRef("inventory", "public", "pairs"), "_history"),
                List.of("a", "b"), cols);
        assertThat(sql.upsertCurrentRows(s)).contains("DISTINCT ON (\"a\", \"b\")")
                .endsWith("SELECT NULL, CAST(ROW(up.\"a\", up.\"b\") AS text) FROM up");
        assertThat(sql.insertHistoryRows(s)).contains("PARTITION BY nw.\"a\", nw.\"b\" ORDER BY")
                .contains("p.\"a\" = nx.\"a\" AND p.\"b\" = nx.\"b\"")
                .contains("ON CONFLICT (\"a\", \"b\", \"_cdc_position\") DO NOTHING");
    }

    @Test
    void ddlHasKeyPrimaryKeyAndMetadataColumns() {
        TableShape s = shape();
        String current = sql.createCurrent(s.names(), s.keyColumns(), s.columns());
        assertThat(current).startsWith("CREATE TABLE IF NOT EXISTS \"inventory_public\".\"customers\" (\"id\" integer NOT NULL, \"na\"\"me\" text, ");
        assertThat(current).contains("\"_cdc_position\" text COLLATE \"C\" NOT NULL").contains("PRIMARY KEY (\"id\")");
        String history = sql.createHistory(s.names(), s.keyColumns(), s.columns());
        assertThat(history).contains("\"_cdc_valid_from\" timestamptz NOT NULL").contains("PRIMARY KEY (\"id\", \"_cdc_position\")");
        assertThat(sql.addColumn(s.names().currentSql(), "new col", "date"))
                .isEqualTo("ALTER TABLE \"inventory_public\".\"customers\" ADD COLUMN IF NOT EXISTS \"new col\" date");
    }
}
