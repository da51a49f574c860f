package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.Position;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenSearchBulkTest {

    @Test
    void anOperationIsAnActionLineAndABodyLineWithTheDocumentAsItIs() throws Exception {
        ObjectNode doc = JsonNodeFactory.instance.objectNode().put("name", "a\nb \"q\"").put("price", "13.00")
                .put("exact", new BigDecimal("0.1000000000000000055511151231257827"));
        String text = new String(GuardedWriteScript.write("idx", "{\"id\":1}", doc, new Position(42)),
                StandardCharsets.UTF_8);

        assertThat(text).endsWith("\n");
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(2);
        JsonNode action = Json.mapper().readTree(lines[0]);
        assertThat(action.path("update").path("_index").asText()).isEqualTo("idx");
        assertThat(action.path("update").path("_id").asText()).isEqualTo("{\"id\":1}");
        assertThat(action.path("update").path("retry_on_conflict").asInt()).isEqualTo(5);
        JsonNode body = Json.mapper().readTree(lines[1]);
        assertThat(body.path("script").path("id").asText()).isEqualTo(GuardedWriteScript.ID);
        assertThat(body.path("script").path("params").path("pos").asText()).isEqualTo(new Position(42).sortKey());
        assertThat(body.path("script").path("params").path("doc")).isEqualTo(doc);
        assertThat(lines[1]).contains("0.1000000000000000055511151231257827");
        assertThat(body.path("scripted_upsert").asBoolean()).isTrue();
        assertThat(body.path("upsert").isObject()).isTrue();
    }

    @Test
    void readsEveryItemInOrderWithItsStatusResultAndError() throws Exception {
        String answer = """
                {"took":3,"errors":true,"items":[
                  {"update":{"_index":"i","_id":"a","_version":2,"result":"updated","status":200,"_shards":{"total":1}}},
                  {"update":{"_index":"i","_id":"b","result":"noop","status":200}},
                  {"update":{"_index":"i","_id":"c","status":400,"error":{"type":"mapper_parsing_exception",
                     "reason":"failed to parse field [qty]","caused_by":{"type":"x","reason":"y"}}}},
                  {"update":{"_index":"i","_id":"d","status":429,"error":{"type":"es_rejected_execution_exception",
                     "reason":"queue full"}}}]}""";

        List<OpenSearchBulk.Item> items = OpenSearchBulk.items(
                new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));

        assertThat(items).containsExactly(
                new OpenSearchBulk.Item("a", 200, "updated", null, null),
                new OpenSearchBulk.Item("b", 200, "noop", null, null),
                new OpenSearchBulk.Item("c", 400, null, "mapper_parsing_exception", "failed to parse field [qty]"),
                new OpenSearchBulk.Item("d", 429, null, "es_rejected_execution_exception", "queue full"));
    }
}
