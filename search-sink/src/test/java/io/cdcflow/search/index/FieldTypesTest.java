package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which changes of a column's type a field takes in place, and which need a new index version. */
class FieldTypesTest {

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Test
    void theSameTypeAndWideningsTheFieldAlreadyHoldsStayInPlace() {
        assertThat(FieldTypes.accepts("long", "long")).isTrue();
        assertThat(FieldTypes.accepts("long", "integer")).isTrue();
        assertThat(FieldTypes.accepts("double", "long")).as("every number fits the widest numeric field").isTrue();
        assertThat(FieldTypes.accepts("double", "scaled_float")).as("a decimal on a cluster that mapped it double")
                .isTrue();
        assertThat(FieldTypes.accepts("text", "keyword")).isTrue();
        assertThat(FieldTypes.accepts("date", "date")).isTrue();
    }

    @Test
    void aChangeOfKindIsIncompatible() {
        assertThat(FieldTypes.accepts("long", "text")).as("ALTER COLUMN code TYPE text").isFalse();
        assertThat(FieldTypes.accepts("keyword", "long")).isFalse();
        assertThat(FieldTypes.accepts("text", "long")).isFalse();
        assertThat(FieldTypes.accepts("long", "double")).as("a long field would cut the fractions").isFalse();
        assertThat(FieldTypes.accepts("scaled_float", "double")).as("precision over 18 digits").isFalse();
        assertThat(FieldTypes.accepts("keyword", "text")).as("a keyword refuses long strings").isFalse();
        assertThat(FieldTypes.accepts("date", "text")).isFalse();
        assertThat(FieldTypes.accepts("long", "boolean")).isFalse();
        assertThat(FieldTypes.accepts("object", "text")).isFalse();
    }

    @Test
    void onlyFieldsTheIndexHasAreListedNewColumnsAreNot() throws Exception {
        Map<String, String> mapped = Map.of("id", "long", "code", "long", "name", "text", "total", "double",
                "price", "double", "sku", "keyword");
        ObjectNode wanted = json("""
                {"id":{"type":"long"},"code":{"type":"text"},"name":{"type":"long"},"total":{"type":"double"},
                 "price":{"type":"scaled_float","scaling_factor":100.0},"sku":{"type":"long"},"note":{"type":"text"},
                 "addr":{"properties":{"city":{"type":"text"}}}}""");
        assertThat(FieldTypes.incompatible(mapped, wanted)).containsExactly("code", "name", "sku");
    }

    @Test
    void aRetypedFieldToleratesOldValuesItCannotParse() throws Exception {
        assertThat(FieldTypes.tolerant(json("{\"type\":\"long\"}")).path("ignore_malformed").asBoolean()).isTrue();
        assertThat(FieldTypes.tolerant(json("{\"type\":\"date\"}")).path("ignore_malformed").asBoolean()).isTrue();
        assertThat(FieldTypes.tolerant(json("{\"type\":\"keyword\"}")).path("ignore_above").asInt()).isEqualTo(8191);
        ObjectNode text = json("{\"type\":\"text\",\"fields\":{\"keyword\":{\"type\":\"keyword\",\"ignore_above\":256}}}");
        assertThat(FieldTypes.tolerant(text)).isEqualTo(text);
        assertThat(FieldTypes.tolerant(json("{\"type\":\"boolean\"}")).has("ignore_malformed"))
                .as("boolean has no ignore_malformed").isFalse();
    }

    @Test
    void whatAFieldRefusesDecidesWhatTheCopySetsAside() throws Exception {
        assertThat(FieldTypes.takes(json("{\"type\":\"long\",\"ignore_malformed\":true}")))
                .isEqualTo(FieldTypes.Takes.SCALARS);
        assertThat(FieldTypes.takes(json("{\"type\":\"text\"}"))).isEqualTo(FieldTypes.Takes.SCALARS);
        assertThat(FieldTypes.takes(json("{\"type\":\"boolean\"}"))).isEqualTo(FieldTypes.Takes.BOOLEANS);
        assertThat(FieldTypes.takes(json("{\"properties\":{\"city\":{\"type\":\"text\"}}}")))
                .isEqualTo(FieldTypes.Takes.OBJECTS);
        assertThat(FieldTypes.takes(json("{\"type\":\"object\",\"enabled\":false}"))).isEqualTo(FieldTypes.Takes.ANY);
    }
}
