package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import io.cdcflow.search.index.IndexMappings;
import io.cdcflow.search.it.IndexNamesWatch;
import io.cdcflow.sink.StoreUnavailableException;
import io.cdcflow.testkit.Stack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sink replicas (two {@link OpenSearchIndices}, each with what it knows of the indices) meeting the same
 * incompatible schema at once, against the stack's OpenSearch, while a third party keeps writing through the
 * table's name and retrying what the cluster refuses for a while, as the sink does: the table moves once, both
 * replicas end with the new mapping, no acknowledged write is missing from the new version, and each name resolves
 * to exactly one index all along. Old values the new type refuses ({@code flag}: 0 and 1 into a boolean) are set
 * aside in {@code _cdc_unfit} rather than failing the copy. Both layouts: a table created as {@code <name>-v1} behind
 * its names, and an index of an earlier release named like the table.
 */
class IndexMigrationReplicasIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ROWS = 300;
    private static final int TOMBSTONES = 20;
    private static final String RUN = "r" + UUID.randomUUID().toString().substring(0, 6);

    private static String url;
    private static OpenSearchClient client;

    @BeforeAll
    static void stack() {
        url = Stack.up().openSearchUrl();
        client = new OpenSearchClients().client(config(url));
    }

    @AfterAll
    static void close() throws IOException {
        client._transport().close();
    }

    @Test
    void twoReplicasMoveAVersionedTableOnce() throws Exception {
        twoReplicasMoveOnce(new TableRef(RUN + "v", "public", "items"), false);
    }

    @Test
    void twoReplicasMoveAnIndexOfTheFirstLayoutOnce() throws Exception {
        twoReplicasMoveOnce(new TableRef(RUN + "f", "public", "items"), true);
    }

    private void twoReplicasMoveOnce(TableRef table, boolean firstLayout) throws Exception {
        SimpleMeterRegistry metersOne = new SimpleMeterRegistry();
        SimpleMeterRegistry metersTwo = new SimpleMeterRegistry();
        OpenSearchIndices one = new OpenSearchIndices(client, config(url), metersOne);
        OpenSearchIndices two = new OpenSearchIndices(client, config(url), metersTwo);
        String name = one.indexFor(table);
        String live = name + "-live";
        RowSchema before = schema(1, "\"code\":{\"type\":\"integer\",\"connect.type\":\"int64\"},"
                + "\"flag\":{\"type\":\"integer\",\"connect.type\":\"int16\"}");
        RowSchema after = schema(2, "\"code\":{\"type\":\"string\",\"connect.type\":\"string\"},"
                + "\"flag\":{\"type\":\"boolean\",\"connect.type\":\"boolean\"},"
                + "\"note\":{\"type\":[\"string\",\"null\"],\"connect.type\":\"string\"}");
        if (firstLayout) {
            ObjectNode columns = IndexMappings.columnProperties(before.columns());
            assertThat(call("PUT", "/" + name, IndexMappings.createIndexBody(1, 0, live, columns)).path("acknowledged")
                    .asBoolean()).isTrue();
        }
        one.ensure(table, before);
        two.ensure(table, before);
        assertThat(behind(name)).containsExactly(firstLayout ? name : name + "-v1");
        StringBuilder bulk = new StringBuilder();
        for (int i = 1; i <= ROWS + TOMBSTONES; i++) {
            bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n").append(i <= ROWS
                    ? "{\"id\":" + i + ",\"code\":" + i + ",\"flag\":" + (i % 2) + ",\"_cdc_deleted\":false}"
                    : "{\"_cdc_deleted\":true}").append('\n');
        }
        JsonNode loaded = call("POST", "/" + name + "/_bulk?refresh=true", bulk.toString());
        assertThat(loaded.path("errors").asBoolean()).as("%s", loaded).isFalse();

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stopWriting = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (IndexNamesWatch watch = IndexNamesWatch.start(url, Map.of(name, (long) ROWS + TOMBSTONES,
                live, (long) ROWS))) {
            Future<?> writer = pool.submit(() -> writeAllAlong(name, acknowledged, stopWriting));
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<OpenSearchIndices.IndexState>> both = List.of(
                    () -> retrying(start, () -> one.ensure(table, after)),
                    () -> retrying(start, () -> two.ensure(table, after)));
            List<Future<OpenSearchIndices.IndexState>> states = new ArrayList<>();
            both.forEach(b -> states.add(pool.submit(b)));
            start.countDown();
            for (Future<OpenSearchIndices.IndexState> s : states) {
                OpenSearchIndices.IndexState state = s.get();
                assertThat(state.fieldTypes()).containsEntry("code", "text").containsEntry("flag", "boolean")
                        .containsEntry("note", "text");
            }
            Thread.sleep(300); // a few writes to the new version
            stopWriting.set(true);
            writer.get();
            watch.close();
            assertThat(watch.problems()).as("the names during the move (%d polls)", watch.polls()).isEmpty();
            // Freeing the name deletes the index of the first layout: while the node closes its shards, searches
            // that resolved the name to it fail, for a moment. Versions are deleted later, when no name has them.
            if (firstLayout) {
                assertThat(watch.cutShortSpan()).as("%s", watch.searchesCutShort()).isLessThan(Duration.ofSeconds(1));
            } else {
                assertThat(watch.searchesCutShort()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(behind(name)).containsExactly(name + "-v2");
        assertThat(behind(live)).containsExactly(name + "-v2");
        assertThat(call("GET", "/" + name + "-v3", null).path("status").asInt()).as("one move only").isEqualTo(404);
        assertThat(metersOne.find("cdc.search.index.migrations").counters().stream().mapToDouble(c -> c.count()).sum()
                + metersTwo.find("cdc.search.index.migrations").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("moves counted by the two replicas").isEqualTo(1.0);
        JsonNode mapping = call("GET", "/" + name + "/_mapping", null).path(name + "-v2").path("mappings");
        assertThat(mapping.path("properties").path("code").path("type").asText()).isEqualTo("text");
        assertThat(mapping.path("properties").path("flag").path("type").asText()).isEqualTo("boolean");
        assertThat(mapping.path("_meta").path(IndexMappings.META_SCHEMA_ID).asInt()).isEqualTo(2);
        if (!firstLayout) {
            await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "/" + name + "-v1", null)
                    .path("status").asInt() == 404);
        }

        call("POST", "/" + name + "/_refresh", null);
        Set<String> ids = new HashSet<>();
        call("POST", "/" + name + "/_search", "{\"size\":10000,\"_source\":false,\"query\":{\"match_all\":{}}}")
                .path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
        assertThat(acknowledged).as("writes made during the move").isNotEmpty();
        assertThat(ids).as("every row copied and every acknowledged write kept").hasSize(ROWS + TOMBSTONES
                + acknowledged.size()).containsAll(acknowledged);
        assertThat(call("POST", "/" + live + "/_count", null).path("count").asLong())
                .isEqualTo(ROWS + acknowledged.size());
        JsonNode seven = call("GET", "/" + name + "/_doc/7", null).path("_source");
        assertThat(seven.path("code").asInt()).isEqualTo(7);
        assertThat(seven.has("flag")).as("1 is no boolean: set aside").isFalse();
        assertThat(seven.path(IndexMappings.UNFIT).path("flag").asInt()).isEqualTo(1);
        assertThat(call("POST", "/" + live + "/_count", "{\"query\":{\"term\":{\"code\":\"7\"}}}").path("count")
                .asLong()).as("old numbers are searched as text").isEqualTo(1);
    }

    /** Writes one document after another through the name, retrying each until OpenSearch takes it, as the sink does. */
    private static void writeAllAlong(String name, Set<String> acknowledged, AtomicBoolean stop) {
        for (int i = 1; !stop.get(); i++) {
            String id = "w" + i;
            while (true) {
                JsonNode a = call("PUT", "/" + name + "/_doc/" + id, "{\"id\":" + (100_000 + i) + ",\"code\":"
                        + (100_000 + i) + ",\"_cdc_deleted\":false}");
                if ("created".equals(a.path("result").asText())) {
                    acknowledged.add(id);
                    break;
                }
                // Refused while the old index is blocked for the copy (cluster_block_exception), or gone under
                // a request that had resolved to it: try again, as the sink retries such items.
                sleep(20);
            }
        }
    }

    /** Runs {@code ensure} once {@code start} opens, again after a store-unavailable answer, as the sink retries. */
    private static OpenSearchIndices.IndexState retrying(CountDownLatch start,
                                                         Callable<OpenSearchIndices.IndexState> ensure) throws Exception {
        start.await();
        for (int attempt = 1; ; attempt++) {
            try {
                return ensure.call();
            } catch (StoreUnavailableException e) {
                if (attempt == 20) {
                    throw e;
                }
                sleep(200);
            }
        }
    }

    private static RowSchema schema(int id, String columns) {
        try {
            return RowSchema.ofJsonSchemaRow(id, Json.mapper().readTree("{\"type\":\"object\",\"properties\":{"
                    + "\"id\":{\"type\":\"integer\",\"connect.type\":\"int32\"}," + columns + "}}"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> behind(String name) {
        JsonNode answer = call("GET", "/" + name + "/_alias", null);
        List<String> out = new ArrayList<>();
        if (!answer.has("error")) {
            answer.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    private static JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type",
                path.contains("_bulk") ? "application/x-ndjson" : "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            return Json.mapper().readTree(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static OpenSearchSinkConfig config(String url) {
        OpenSearchSinkConfig.Bulk bulk = new OpenSearchSinkConfig.Bulk() {
            public int maxActions() {
                return 1000;
            }

            public long maxBytes() {
                return 10_000_000;
            }
        };
        return WriterHarness.config(url, "osrep-" + RUN, bulk, "default");
    }
}
