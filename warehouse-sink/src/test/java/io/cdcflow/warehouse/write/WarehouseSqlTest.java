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
