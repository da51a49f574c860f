package io.cdcflow.search.write;

import io.cdcflow.model.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenSearchIndicesTest {

    @Test
    void readsTopLevelFieldTypesOfAMappingAnswer() throws Exception {
        var answer = Json.mapper().readTree("""
                {"cdc-x":{"mappings":{"dynamic":"true","properties":{
                  "id":{"type":"long"},"born":{"type":"date"},
                  "addr":{"properties":{"city":{"type":"text"}}},
                  "_cdc_deleted":{"type":"boolean"}}}}}""");
        assertThat(OpenSearchIndices.mappedTypes(answer)).containsEntry("id", "long").containsEntry("born", "date")
                .containsEntry("addr", "object").containsEntry("_cdc_deleted", "boolean").hasSize(4);
    }
}
