package io.cdcflow.search.write;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.model.Json;
import io.cdcflow.sink.StoreUnavailableException;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends bulk requests whose operations are already serialized (each one an action line and a body line, see
 * {@link GuardedWriteScript#write}), over the client's generic transport, and reads each item's status, result and
 * error with a streaming parser. The typed bulk API of opensearch-java would copy every document into its own model
 * and serialize it again, and build a typed object per item of the answer: most of the sink's CPU per change.
 */
final class OpenSearchBulk {

    private static final ObjectMapper MAPPER = Json.mapper();
    private static final String NDJSON = "application/x-ndjson";

    private final OpenSearchGenericClient http;

    OpenSearchBulk(OpenSearchClient client) {
        this.http = client.generic();
    }

    /** One item of a bulk answer: its HTTP status, its result ({@code updated}, {@code noop}, ...) and error, if any. */
    record Item(String id, int status, String result, String errorType, String errorReason) {
    }

    /**
     * Sends the operations as one request and returns one item per operation, in order. A request that cannot be
     * made, or that OpenSearch refuses as a whole (429, 5xx, or any other error status), raises
     * {@link StoreUnavailableException}: nothing was decided per row, so the rows are retried rather than lost.
     */
    List<Item> send(List<byte[]> operations) {
        int size = 0;
        for (byte[] op : operations) {
            size += op.length;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(size);
        operations.forEach(body::writeBytes);
        List<Item> items;
        try (Response response = http.execute(Requests.create("POST", "/_bulk", List.of(), Map.of(),
                Body.from(body.toByteArray(), NDJSON)))) {
            int status = response.getStatus();
            if (status / 100 != 2) {
                String text = response.getBody().map(Body::bodyAsString).orElse("");
                throw new StoreUnavailableException("OpenSearch refused a bulk request (" + status + "): "
                        + text.substring(0, Math.min(text.length(), 1000)), null);
            }
            Body answer = response.getBody().orElseThrow(() -> new IOException("bulk answer without a body"));
            try (InputStream in = answer.body()) {
                items = items(in);
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("OpenSearch unreachable for a bulk request: " + e, e);
        }
        if (items.size() != operations.size()) {
            throw new StoreUnavailableException("OpenSearch answered " + items.size() + " items for "
                    + operations.size() + " operations", null);
        }
        return items;
    }

    /** The items of a bulk answer {@code {"took":..,"errors":..,"items":[{"update":{...}}, ...]}}. */
    static List<Item> items(InputStream in) throws IOException {
        List<Item> items = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("bulk answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"items".equals(field) || value != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    p.nextToken(); // the operation's name: update, index, ...
                    p.nextToken();
                    JsonNode item = MAPPER.readTree(p);
                    JsonNode error = item.path("error");
                    items.add(new Item(item.path("_id").asText(null), item.path("status").asInt(),
                            item.path("result").asText(null), error.isObject() ? error.path("type").asText(null)
                            : null, error.isObject() ? error.path("reason").asText("") : null));
                    p.nextToken(); // the end of the item's object
                }
            }
        }
        return items;
    }
}
