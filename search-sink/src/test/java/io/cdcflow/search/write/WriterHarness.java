package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.SourceInfo;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import io.cdcflow.sink.RecordOrigin;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.testkit.StackEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.opensearch.client.opensearch.OpenSearchClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link OpenSearchChangeWriter} on the stack's OpenSearch without Quarkus or Kafka: the client and indices the
 * service would produce, a map as the schema registry, the changes built directly (PostgreSQL-connector events,
 * position = LSN), and plain HTTP to read the cluster back. Indices get the harness's own prefix.
 */
final class WriterHarness implements AutoCloseable {

    static final long T0 = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    /** The refresh interval of the indices the writer creates: {@code cdc.sink.opensearch.index.refresh-interval}'s default. */
    static final String REFRESH_INTERVAL = "5s";

    final String url;
    final String prefix;
    final OpenSearchClient client;
    final OpenSearchIndices indices;
    final OpenSearchChangeWriter writer;
    /** The "registry": row schemas by schema id, for changes that name one. */
    final Map<Integer, RowSchema> schemas = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private long offset;

    WriterHarness(StackEndpoints stack, String prefix, OpenSearchSinkConfig.Bulk bulk) {
        this.url = stack.openSearchUrl();
        this.prefix = prefix;
        OpenSearchSinkConfig config = config(url, prefix, bulk);
        this.client = new OpenSearchClients().client(config);
        this.indices = new OpenSearchIndices(client, config, new SimpleMeterRegistry());
        this.writer = new OpenSearchChangeWriter(client, indices, id -> Optional.ofNullable(schemas.get(id)), config);
    }

    /** A change of row {@code key} at LSN {@code lsn}, committed at {@code T0 + lsn} ms. */
    SinkChange change(TableRef t, Op op, long lsn, ObjectNode key, ObjectNode row, OptionalInt schemaId) {
        SourceInfo source = SourceInfo.empty().with("connector", "postgresql").with("name", t.source())
                .with("db", "inventory").with("schema", t.namespace()).with("table", t.table())
                .with("ts_ms", T0 + lsn).with("snapshot", "false").with("lsn", lsn);
        ChangeEvent e = new ChangeEvent(op == Op.DELETE ? row : null, op == Op.DELETE ? null : row, op,
                T0 + lsn + 5, source, null);
        return new SinkChange(new RecordOrigin("bench", 0, offset++, new byte[0], new byte[0]), new RowKey(key), e,
                new Position(lsn), schemaId);
    }

    /** GET (body null) or PUT/POST a JSON body; the answer's JSON. */
    JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + OpenSearchIndices.encodePath(path)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> a = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(a.body().isBlank() ? "{}" : a.body());
    }

    /** Deletes the indices of this harness's prefix. */
    void deleteIndices() throws IOException, InterruptedException {
        call("DELETE", "/" + prefix + "-*", null);
    }

    @Override
    public void close() throws IOException {
        client._transport().close();
    }

    static OpenSearchSinkConfig config(String url, String prefix, OpenSearchSinkConfig.Bulk bulk) {
        return config(url, prefix, bulk, REFRESH_INTERVAL);
    }

    /** The service's configuration for this cluster, with indices named from {@code prefix} and that refresh interval. */
    static OpenSearchSinkConfig config(String url, String prefix, OpenSearchSinkConfig.Bulk bulk, String refreshInterval) {
        return new OpenSearchSinkConfig() {
            public String url() {
                return url;
            }

            public Optional<String> username() {
                return Optional.empty();
            }

            public Optional<String> password() {
                return Optional.empty();
            }

            public Duration connectTimeout() {
                return Duration.ofSeconds(5);
            }

            public Duration responseTimeout() {
                return Duration.ofSeconds(60);
            }

            public Index index() {
                return new Index() {
                    public String prefix() {
                        return prefix;
                    }

                    public Map<String, String> names() {
                        return Map.of();
                    }

                    public String liveAliasSuffix() {
                        return "-live";
                    }

                    public int shards() {
                        return 1;
                    }

                    public int replicas() {
                        return 0;
                    }

                    public String refreshInterval() {
                        return refreshInterval;
                    }
                };
            }

            public Bulk bulk() {
                return bulk;
            }
        };
    }
}
