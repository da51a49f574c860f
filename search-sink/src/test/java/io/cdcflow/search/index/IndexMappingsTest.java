package io.cdcflow.search.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IndexMappingsTest {

    /** A row schema as the router registers it from a Connect schema (definitions.Value). */
    private static final String ROW = """
            {"type":"object","additionalProperties":false,"required":["id"],"properties":{
              "id":{"type":"integer","connect.type":"int32"},
              "big":{"type":["integer","null"],"connect.type":"int64"},
              "small":{"type":"integer","connect.type":"int16"},
              "name":{"type":["string","null"],"connect.type":"string"},
              "price":{"type":"number","connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                       "connect.parameters":{"scale":"2","connect.decimal.precision":"10"}},
              "huge":{"type":"number","connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                       "connect.parameters":{"scale":"2","connect.decimal.precision":"38"}},
              "born":{"type":"integer","connect.type":"int32","connect.name":"io.debezium.time.Date"},
              "seen":{"type":"integer","connect.type":"int64","connect.name":"io.debezium.time.MicroTimestamp"},
              "at":{"type":"string","connect.type":"string","connect.name":"io.debezium.time.ZonedTimestamp"},
              "uid":{"type":"string","connect.type":"string","connect.name":"io.debezium.data.Uuid"},
              "doc":{"type":"string","connect.type":"string","connect.name":"io.debezium.data.Json"},
              "ok":{"type":"boolean","connect.type":"boolean"},
              "ratio":{"type":"number","connect.type":"float64"},
              "blob":{"type":"string","connect.type":"bytes"},
              "tags":{"type":"array","connect.type":"array","items":{"type":"string","connect.type":"string"}},
              "attrs":{"type":"object","connect.type":"map","additionalProperties":{"type":"string"}},
              "addr":{"type":"object","connect.type":"struct","properties":{
                  "city":{"type":"string","connect.type":"string"},
                  "zip":{"type":"integer","connect.type":"int32"}}}
            }}""";

    private static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    private static java.util.Map<String, io.cdcflow.registryclient.ColumnSchema> columns(String row) throws Exception {
        return io.cdcflow.registryclient.RowSchema.ofJsonSchemaRow(0, json(row)).columns();
    }

    @Test
    void connectTypesMapToOpenSearchTypes() throws Exception {
        ObjectNode p = IndexMappings.columnProperties(columns(ROW));
        // Integers and floats take the widest type of their kind, so that widening a column keeps the mapping.
        assertThat(p.path("id").path("type").asText()).isEqualTo("long");
        assertThat(p.path("big").path("type").asText()).isEqualTo("long");
        assertThat(p.path("small").path("type").asText()).isEqualTo("long");
        assertThat(p.path("ok").path("type").asText()).isEqualTo("boolean");
        assertThat(p.path("ratio").path("type").asText()).isEqualTo("double");
        assertThat(p.path("blob").path("type").asText()).isEqualTo("binary");
    }

    @Test
    void stringsAreTextWithAKeywordSubField() throws Exception {
        JsonNode name = IndexMappings.columnProperties(columns(ROW)).path("name");
        assertThat(name.path("type").asText()).isEqualTo("text");
        assertThat(name.path("fields").path("keyword").path("type").asText()).isEqualTo("keyword");
    }

    @Test
    void decimalsAreScaledFloatsWhenExactElseDouble() throws Exception {
        ObjectNode p = IndexMappings.columnProperties(columns(ROW));
        assertThat(p.path("price").path("type").asText()).isEqualTo("scaled_float");
        assertThat(p.path("price").path("scaling_factor").asDouble()).isEqualTo(100.0);
        assertThat(p.path("huge").path("type").asText()).isEqualTo("double");
    }

    @Test
    void decimalsAreDoublesOnAClusterWithoutScaledFloat() throws Exception {
        ObjectNode p = IndexMappings.columnProperties(columns(ROW), false);
        assertThat(p.path("price").path("type").asText()).isEqualTo("double");
        assertThat(p.path("born").path("type").asText()).isEqualTo("date");
    }

    @Test
    void logicalTypesDecideBeforeConnectTypes() throws Exception {
        ObjectNode p = IndexMappings.columnProperties(columns(ROW));
        assertThat(p.path("born").path("type").asText()).isEqualTo("date");
        assertThat(p.path("seen").path("type").asText()).isEqualTo("date");
        assertThat(p.path("at").path("type").asText()).isEqualTo("date");
        assertThat(p.path("uid").path("type").asText()).isEqualTo("keyword");
        assertThat(p.path("doc").path("type").asText()).isEqualTo("text");
    }

    @Test
    void structsArraysAndMaps() throws Exception {
        ObjectNode p = IndexMappings.columnProperties(columns(ROW));
        assertThat(p.path("addr").path("type").asText()).isEqualTo("object");
        assertThat(p.path("addr").path("properties").path("zip").path("type").asText()).isEqualTo("long");
        assertThat(p.path("tags").path("type").asText()).isEqualTo("text");
        assertThat(p.path("attrs").path("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void inferredSchemasMapByJsonTypeAndUnknownColumnsAreLeftToDynamicMapping() throws Exception {
        ObjectNode p = IndexMappings.columnProperties(columns("""
                {"type":"object","properties":{"n":{"type":["integer","null"]},"x":{"type":["number","null"]},
                 "s":{"type":["string","null"]},"o":{"type":["object","null"]},"z":{}}}"""));
        assertThat(p.path("n").path("type").asText()).isEqualTo("long");
        assertThat(p.path("x").path("type").asText()).isEqualTo("double");
        assertThat(p.path("s").path("type").asText()).isEqualTo("text");
        assertThat(p.has("o")).isFalse();
        assertThat(p.has("z")).isFalse();
    }

    @Test
    void createBodyHasSettingsSinkFieldsAndTheFilteredAlias() throws Exception {
        ObjectNode body = IndexMappings.createIndexBody(1, 0, "cdc-t-live", IndexMappings.columnProperties(columns(ROW)));
        assertThat(body.path("settings").path("index").path("number_of_replicas").asInt()).isZero();
        JsonNode props = body.path("mappings").path("properties");
        assertThat(props.path(IndexMappings.DELETED).path("type").asText()).isEqualTo("boolean");
        assertThat(props.path(IndexMappings.POSITION).path("type").asText()).isEqualTo("keyword");
        assertThat(props.path("price").path("type").asText()).isEqualTo("scaled_float");
        assertThat(body.path("aliases").path("cdc-t-live").path("filter").path("bool").path("must_not")
                .path("term").path(IndexMappings.DELETED).asBoolean()).isTrue();
    }

    @Test
    void settingsCarryTheRefreshIntervalUnlessItIsOpenSearchsDefault() {
        assertThat(IndexMappings.indexSettings(2, 1, "5s").path("index").path("refresh_interval").asText())
                .isEqualTo("5s");
        assertThat(IndexMappings.indexSettings(2, 1, "5s").path("index").path("number_of_shards").asInt())
                .isEqualTo(2);
        assertThat(IndexMappings.indexSettings(1, 0, IndexMappings.DEFAULT_REFRESH).path("index")
                .has("refresh_interval")).isFalse();
    }

    @Test
    void aRefreshIntervalIsAPositiveTimeValueOrDefault() {
        assertThat(java.util.List.of("500ms", "1s", "5s", "2m", "default"))
                .allMatch(IndexMappings::isRefreshInterval);
        assertThat(java.util.List.of("", "0s", "-1", "5", "5 s", "1h", "PT5S", "05s", "Default"))
                .noneMatch(IndexMappings::isRefreshInterval);
    }
}
