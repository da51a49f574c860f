package io.cdcflow.search.index;

import io.cdcflow.model.TableRef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IndexNamesTest {

    private final IndexNames names = new IndexNames("cdc", Map.of("inventory.public.orders", "orders-v2"), "-live");

    @Test
    void defaultNameIsPrefixAndQualifiedTable() {
        assertThat(names.indexFor(new TableRef("inventory", "public", "customers")))
                .isEqualTo("cdc-inventory.public.customers");
    }

    @Test
    void aNameThatHadToBeLowerCasedEndsWithAHashOfTheExactName() {
        assertThat(names.indexFor(new TableRef("inventory", "public", "Customers")))
                .matches("cdc-inventory\\.public\\.customers-[0-9a-f]{8}");
    }

    @Test
    void tablesWhoseNamesDifferOnlyByCaseOrAForbiddenCharacterNeverShareAnIndex() {
        java.util.List<String> hostile = java.util.List.of("orders", "Orders", "ORDERS", "a b", "a_b", "a*b",
                "x\"; drop table y; --", "x'; drop table y; --", "Ünïcødé", "ünïcødé", "back`tick", "a:b", "a#b");
        java.util.Set<String> indices = new java.util.HashSet<>();
        for (String table : hostile) {
            String index = names.indexFor(new TableRef("src", "public", table));
            assertThat(IndexNames.problem(index)).as(index).isEmpty();
            assertThat(IndexNames.problem(names.aliasFor(index))).as(index).isEmpty();
            assertThat(names.indexFor(new TableRef("src", "public", table))).as("deterministic").isEqualTo(index);
            indices.add(index);
        }
        assertThat(indices).hasSameSizeAs(hostile);
    }

    @Test
    void explicitNameWinsAndAliasAddsSuffix() {
        String index = names.indexFor(new TableRef("inventory", "public", "orders"));
        assertThat(index).isEqualTo("orders-v2");
        assertThat(names.aliasFor(index)).isEqualTo("orders-v2-live");
    }

    @Test
    void forbiddenCharactersAreReplaced() {
        String index = names.indexFor(new TableRef("src", "My Schema", "a*b?c:d,e#f|g"));
        assertThat(index).matches("cdc-src\\.my_schema\\.a_b_c_d_e_f_g-[0-9a-f]{8}");
        assertThat(IndexNames.problem(index)).isEmpty();
    }

    @Test
    void longNamesAreCutWithAHashAndStayDistinct() {
        String table = "t".repeat(300);
        String a = names.indexFor(new TableRef("src", "public", table + "a"));
        String b = names.indexFor(new TableRef("src", "public", table + "b"));
        assertThat(a).isNotEqualTo(b);
        assertThat(names.aliasFor(a).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
        assertThat(IndexNames.problem(names.aliasFor(a))).isEmpty();
        assertThat(a).matches("cdc-src\\.public\\.t+-[0-9a-f]{8}");
    }

    @Test
    void multiByteNamesAreCutOnCharacterBoundaries() {
        String index = names.indexFor(new TableRef("src", "public", "é".repeat(200)));
        assertThat(names.aliasFor(index).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
        assertThat(index).doesNotContain("\uFFFD");
    }

    @Test
    void problemsNameTheRuleBroken() {
        assertThat(IndexNames.problem("Cdc")).get().asString().contains("upper-case");
        assertThat(IndexNames.problem("_cdc")).get().asString().contains("starts with");
        assertThat(IndexNames.problem("a b")).get().asString().contains("forbidden");
        assertThat(IndexNames.problem("")).isPresent();
        assertThat(IndexNames.problem("x".repeat(256))).get().asString().contains("255");
        assertThat(IndexNames.problem("cdc-ok.name")).isEmpty();
    }
}
