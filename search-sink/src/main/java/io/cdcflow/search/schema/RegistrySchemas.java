package io.cdcflow.search.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.model.Json;
import io.cdcflow.search.config.SearchSinkConfig;
import io.cdcflow.search.write.StoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Value schemas by registry id ({@code GET /schemas/ids/{id}} of the Confluent API), cached for the life of the
 * process since an id never changes meaning. An id the registry does not know (404), or a schema without a row
 * definition, is remembered as absent and the table is then mapped dynamically; a registry that cannot be asked
 * (connection refused, timeout, 5xx) raises {@link StoreUnavailableException} so the batch is retried, rather than
 * creating an index with guessed types.
 */
@ApplicationScoped
public class RegistrySchemas {

    private static final Logger LOG = Logger.getLogger(RegistrySchemas.class);
    private static final ObjectMapper MAPPER = Json.mapper();

    private final HttpClient http;
    private final String baseUrl;
    private final Duration timeout;
    private final Map<Integer, Optional<RowSchema>> cache = new ConcurrentHashMap<>();

    RegistrySchemas(SearchSinkConfig config) {
        this.timeout = config.registryTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        String url = config.registryUrl();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The row schema registered under {@code id}, or empty when the registry has no usable schema for it. */
    public Optional<RowSchema> byId(int id) {
        Optional<RowSchema> known = cache.get(id);
        if (known != null) {
            return known;
        }
        Optional<RowSchema> fetched = fetch(id);
        cache.put(id, fetched);
        return fetched;
    }

    private Optional<RowSchema> fetch(int id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id))
                .timeout(timeout).header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StoreUnavailableException("schema registry " + baseUrl + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while asking the schema registry", e);
        }
        int status = response.statusCode();
        if (status == 404) {
            LOG.warnf("schema id %d is unknown to the registry %s: its tables are mapped dynamically", id, baseUrl);
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw new StoreUnavailableException("schema registry answered " + status + " for schema id " + id, null);
        }
        try {
            JsonNode answer = MAPPER.readTree(response.body());
            RowSchema schema = RowSchema.fromEnvelopeSchema(id, MAPPER.readTree(answer.path("schema").asText("{}")));
            if (schema == null) {
                LOG.warnf("schema id %d has no definitions.Value: its tables are mapped dynamically", id);
            }
            return Optional.ofNullable(schema);
        } catch (IOException e) {
            LOG.warnf("schema id %d is not a JSON schema (%s): its tables are mapped dynamically", id, e.getMessage());
            return Optional.empty();
        }
    }
}
