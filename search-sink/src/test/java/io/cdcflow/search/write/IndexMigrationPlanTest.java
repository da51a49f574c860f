package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan of a move to a new index version: its name, its mapping, the copy, and the one atomic alias swap. */
class IndexMigrationPlanTest {

    private static final String CURRENT = """
            {"id":{"type":"long"},"code":{"type":"long"},"flag":{"type":"long"},"name":{"type":"text"},
             "_cdc_deleted":{"type":"boolean"},"_cdc_pos":{"type":"keyword"},"_cdc_op":{"type":"keyword"},
             "_cdc_source_ts_ms":{"type":"date","format":"epoch_millis"}}""";
    private static final String WANTED = """
            {"id":{"type":"long"},"code":{"type":"text","fields":{"keyword":{"type":"keyword","ignore_above":256}}},
             "flag":{"type":"boolean"},"name":{"type":"text"},"qty":{"type":"long"}}""";

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    private static IndexMigrationPlan plan(String from) throws Exception {
        return IndexMigrationPlan.of("cdc-t", "cdc-t-live", from, json(CURRENT), json(WANTED),
                List.of("code", "flag"), 42);
    }

    @Test
    void versionsCountUpFromTheFirstLayout() {
        assertThat(IndexMigrationPlan.nextVersion("cdc-s.public.t", "cdc-s.public.t")).isEqualTo("cdc-s.public.t-v2");
        assertThat(IndexMigrationPlan.nextVersion("cdc-s.public.t", "cdc-s.public.t-v1")).isEqualTo("cdc-s.public.t-v2");
        assertThat(IndexMigrationPlan.nextVersion("cdc-s.public.t", "cdc-s.public.t-v9")).isEqualTo("cdc-s.public.t-v10");
        // A table whose own name ends like a version is not mistaken for one.
        assertThat(IndexMigrationPlan.nextVersion("cdc-s.public.t-v3", "cdc-s.public.t-v3")).isEqualTo("cdc-s.public.t-v3-v2");
    }

    @Test
    void theNewVersionRetypesTheChangedFieldsAddsTheNewOnesAndKeepsTheRest() throws Exception {
        IndexMigrationPlan p = plan("cdc-t-v1");
        assertThat(p.to()).isEqualTo("cdc-t-v2");
        assertThat(p.retyped()).containsOnlyKeys("code", "flag");
        ObjectNode props = p.properties();
        assertThat(props.path("code").path("type").asText()).isEqualTo("text");
        assertThat(props.path("flag").path("type").asText()).isEqualTo("boolean");
        assertThat(props.path("qty").path("type").asText()).isEqualTo("long");
        assertThat(props.path("id").path("type").asText()).isEqualTo("long");
        assertThat(props.path("_cdc_pos").path("type").asText()).isEqualTo("keyword");
        assertThat(props.path("_cdc_unfit").path("enabled").asBoolean(true)).isFalse();

        ObjectNode body = p.createBody(1, 0);
        assertThat(body.path("mappings").path("_meta").path("cdc_schema_id").asInt()).isEqualTo(42);
        assertThat(body.has("aliases")).as("the names move in the swap, not before").isFalse();

        IndexMigrationPlan back = IndexMigrationPlan.of("cdc-t", "cdc-t-live", "cdc-t-v2", props,
                json("{\"code\":{\"type\":\"long\"}}"), List.of("code"), 43);
        assertThat(back.to()).isEqualTo("cdc-t-v3");
        assertThat(back.properties().path("code").path("ignore_malformed").asBoolean())
                .as("old text values that are no numbers stay in _source instead of failing the copy").isTrue();
    }

    @Test
    void theCopyKeepsVersionsSkipsConflictsAndSetsAsideWhatTheNewTypesRefuse() throws Exception {
        ObjectNode body = plan("cdc-t-v1").reindexBody();
        assertThat(body.path("source").path("index").asText()).isEqualTo("cdc-t-v1");
        assertThat(body.path("dest").path("index").asText()).isEqualTo("cdc-t-v2");
        assertThat(body.path("dest").path("version_type").asText()).isEqualTo("external");
        assertThat(body.path("conflicts").asText()).isEqualTo("proceed");
        assertThat(body.path("script").path("params").path("fields").toString())
                .isEqualTo("{\"code\":\"SCALARS\",\"flag\":\"BOOLEANS\"}");
        assertThat(body.path("script").path("params").path("unfit").asText()).isEqualTo("_cdc_unfit");
    }

    @Test
    void oneRequestMovesBothNamesOffAVersionedIndexOnlyIfItStillHoldsThem() throws Exception {
        assertThat(plan("cdc-t-v1").swapBody().toString()).isEqualTo("{\"actions\":["
                + "{\"add\":{\"index\":\"cdc-t-v2\",\"alias\":\"cdc-t\"}},"
                + "{\"add\":{\"index\":\"cdc-t-v2\",\"alias\":\"cdc-t-live\",\"filter\":{\"bool\":{\"must_not\":{\"term\":{\"_cdc_deleted\":true}}}}}},"
                + "{\"remove\":{\"index\":\"cdc-t-v1\",\"alias\":\"cdc-t\",\"must_exist\":true}},"
                + "{\"remove\":{\"index\":\"cdc-t-v1\",\"alias\":\"cdc-t-live\"}}]}");
    }

    @Test
    void oneRequestMovesBothNamesAndRemovesAnIndexOfTheFirstLayout() throws Exception {
        IndexMigrationPlan p = plan("cdc-t");
        assertThat(p.firstLayout()).isTrue();
        assertThat(p.swapBody().toString()).isEqualTo("{\"actions\":["
                + "{\"add\":{\"index\":\"cdc-t-v2\",\"alias\":\"cdc-t\"}},"
                + "{\"add\":{\"index\":\"cdc-t-v2\",\"alias\":\"cdc-t-live\",\"filter\":{\"bool\":{\"must_not\":{\"term\":{\"_cdc_deleted\":true}}}}}},"
                + "{\"remove_index\":{\"index\":\"cdc-t\"}}]}");
    }

    @Test
    void onAClusterWithoutScaledFloatDecimalsBecomeDoubles() throws Exception {
        IndexMigrationPlan p = IndexMigrationPlan.of("cdc-t", "cdc-t-live", "cdc-t-v1", json(CURRENT),
                json("{\"code\":{\"type\":\"scaled_float\",\"scaling_factor\":100.0},"
                        + "\"addr\":{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"scaled_float\",\"scaling_factor\":10.0}}}}"),
                List.of("code"), 7).withoutScaledFloat();
        assertThat(p.properties().path("code").toString()).isEqualTo("{\"type\":\"double\",\"ignore_malformed\":true}");
        assertThat(p.retyped().get("code").path("type").asText()).isEqualTo("double");
        assertThat(p.properties().path("addr").path("properties").path("p").path("type").asText()).isEqualTo("double");
    }
}
