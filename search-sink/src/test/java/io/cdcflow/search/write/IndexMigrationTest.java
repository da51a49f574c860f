package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan of a move to a new index version: which fields force it, the new mapping, the one atomic alias swap. */
class IndexMigrationTest {

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Test
    void onlyAFieldMappedWithAnotherTypeForcesANewVersion() throws Exception {
        Map<String, String> mapped = Map.of("id", "long", "code", "long", "name", "text", "total", "double");
        ObjectNode widened = json("{\"id\":{\"type\":\"long\"},\"total\":{\"type\":\"double\"},\"note\":{\"type\":\"text\"}}");
        assertThat(IndexMigration.incompatible(mapped, widened)).as("widening and new columns stay in place").isEmpty();
        ObjectNode retyped = json("{\"id\":{\"type\":\"long\"},\"code\":{\"type\":\"text\"},\"name\":{\"type\":\"long\"}}");
        assertThat(IndexMigration.incompatible(mapped, retyped)).containsExactly("code", "name");
    }

    @Test
    void theNewVersionRetypesTheChangedFieldsAndKeepsTheRest() throws Exception {
        ObjectNode current = json("{\"id\":{\"type\":\"long\"},\"code\":{\"type\":\"long\"},\"_cdc_pos\":{\"type\":\"keyword\"}}");
        ObjectNode wanted = json("{\"id\":{\"type\":\"long\"},\"code\":{\"type\":\"text\"},\"qty\":{\"type\":\"long\"}}");
        ObjectNode next = IndexMigration.nextProperties(current, wanted, List.of("code"));
        assertThat(next.path("code").path("type").asText()).isEqualTo("text");
        assertThat(next.path("qty").path("type").asText()).isEqualTo("long");
        assertThat(next.path("_cdc_pos").path("type").asText()).isEqualTo("keyword");
        ObjectNode back = IndexMigration.nextProperties(next, json("{\"code\":{\"type\":\"long\"}}"), List.of("code"));
        assertThat(back.path("code").path("ignore_malformed").asBoolean())
                .as("old text values that are no numbers stay in _source instead of failing the copy").isTrue();
    }

    @Test
    void versionsCountUpFromTheFirstLayout() {
        assertThat(IndexMigration.nextVersion("cdc-s.public.t", "cdc-s.public.t")).isEqualTo("cdc-s.public.t-v2");
        assertThat(IndexMigration.nextVersion("cdc-s.public.t", "cdc-s.public.t-v2")).isEqualTo("cdc-s.public.t-v3");
    }

    @Test
    void oneRequestMovesBothNamesOffAVersionedIndex() {
        assertThat(IndexMigration.swapBody("cdc-t", "cdc-t-live", "cdc-t-v1", "cdc-t-v2").toString())
                .contains("{\"remove\":{\"index\":\"cdc-t-v1\",\"alias\":\"cdc-t\"}}",
                        "{\"remove\":{\"index\":\"cdc-t-v1\",\"alias\":\"cdc-t-live\"}}")
                .doesNotContain("remove_index");
    }

    @Test
    void oneRequestMovesBothNamesAndRemovesAnIndexOfTheFirstLayout() {
        ObjectNode body = IndexMigration.swapBody("cdc-t", "cdc-t-live", "cdc-t", "cdc-t-v2");
        assertThat(body.toString()).isEqualTo("{\"actions\":["
                + "{\"add\":{\"index\":\"cdc-t-v2\",\"alias\":\"cdc-t\"}},"
                + "{\"add\":{\"index\":\"cdc-t-v2\",\"alias\":\"cdc-t-live\",\"filter\":{\"bool\":{\"must_not\":{\"term\":{\"_cdc_deleted\":true}}}}}},"
                + "{\"remove_index\":{\"index\":\"cdc-t\"}}]}");
    }
}
