package io.cdcflow.cache.redis;

import io.cdcflow.model.RowKey;
import io.cdcflow.model.TableRef;
import org.junit.jupiter.api.Test;

import static io.cdcflow.sink.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

class RedisKeysTest {

    private final RedisKeys keys = new RedisKeys("cdc");
    private final TableRef customers = new TableRef("inventory", "public", "customers");

    @Test
    void aRowLivesUnderPrefixQualifiedTableAndRowKey() {
        assertThat(keys.row(customers, new RowKey(row("id", 1001)))).isEqualTo("cdc:inventory.public.customers:1001");
        assertThat(keys.table(customers)).isEqualTo("cdc:inventory.public.customers");
    }

    @Test
    void compositeKeysJoinTheirColumnsInKeyOrderWithEscapes() {
        TableRef lines = new TableRef("inventory", "public", "order_lines");
        assertThat(keys.row(lines, new RowKey(row("order_id", 7, "sku", "A:B\\C"))))
                .isEqualTo("cdc:inventory.public.order_lines:7:A\\:B\\\\C");
    }

    @Test
    void aColonInATableNameIsEscapedSoTablesAndRowsNeverCollide() {
        TableRef odd = new TableRef("src", "public", "a:1");
        TableRef plain = new TableRef("src", "public", "a");
        assertThat(keys.table(odd)).isEqualTo("cdc:src.public.a\\:1");
        // Without the escape, row 1 of "a" and the table hash of "a:1" would both be "cdc:src.public.a:1".
        assertThat(keys.row(plain, new RowKey(row("id", 1)))).isNotEqualTo(keys.table(odd));
    }

    @Test
    void theScanPatternEscapesGlobCharactersAndEndsWithTheRowSeparator() {
        assertThat(keys.rowPattern(customers)).isEqualTo("cdc:inventory.public.customers:*");
        TableRef globby = new TableRef("s[1]", "p*", "t?\\x");
        assertThat(new RedisKeys("my-app").rowPattern(globby))
                .isEqualTo("my-app:s\\[1\\].p\\*.t\\?\\\\\\\\x:*");
    }

    @Test
    void hostileTableNamesStayVerbatimAndDistinct() {
        java.util.List<String> hostile = java.util.List.of("x\"; drop table y; --", "Mixed Case", "mixed case",
                "Ünïcødé", "back`tick", "a b", "a_b", "a:b", "a\\:b", "a*", "a?");
        java.util.Set<String> rowKeys = new java.util.HashSet<>();
        java.util.Set<String> tableKeys = new java.util.HashSet<>();
        for (String t : hostile) {
            TableRef table = new TableRef("src", "public", t);
            rowKeys.add(keys.row(table, new RowKey(row("id", 1))));
            tableKeys.add(keys.table(table));
            if (!t.contains(":") && !t.contains("\\")) {
                assertThat(keys.table(table)).isEqualTo("cdc:src.public." + t);
            }
        }
        assertThat(rowKeys).hasSameSizeAs(hostile);
        assertThat(tableKeys).hasSameSizeAs(hostile).doesNotContainAnyElementsOf(rowKeys);
    }

    @Test
    void thePrefixIsTakenAsConfigured() {
        assertThat(new RedisKeys("app:cache").row(customers, new RowKey(row("id", "x"))))
                .isEqualTo("app:cache:inventory.public.customers:x");
    }
}
