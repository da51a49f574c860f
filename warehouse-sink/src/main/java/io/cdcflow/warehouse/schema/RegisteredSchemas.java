package io.cdcflow.warehouse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.model.Json;
import io.cdcflow.sink.Backoff;
import io.cdcflow.sink.SinkMetrics;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads value schemas from the schema registry by global id ({@code GET /schemas/ids/{id}}, Confluent API) and
 * caches them for the life of the process: an id never changes meaning. While the registry cannot be reached
 * (refused, timeout, 5xx) the call retries with backoff, so the consumer pauses instead of writing columns with
 * guessed types; an id the registry does not know (404) or a schema without a row part is remembered as absent and
 * its events fall back to inference from their values (logged once per id).
 */
@ApplicationScoped
public class RegisteredSchemas {

    private static final Logger LOG = Logger.getLogger(RegisteredSchemas.class);
    private static final ObjectMapper MAPPER = Json.mapper();

    private final WarehouseSinkConfig config;
    private final SinkMetrics metrics;
    private final HttpClient http;
    private final Map<Integer, Optional<RowSchema>> byId = new ConcurrentHashMap<>();

    RegisteredSchemas(WarehouseSinkConfig config, SinkMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().connectTimeout(config.registryTimeout()).build();
    }

    /** The row schema registered under {@code id}; empty when the registry has none usable for it. */
    public Optional<RowSchema> byId(int id) {
        Optional<RowSchema> cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        Backoff backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        boolean warned = false;
        while (true) {
            try {
                Optional<RowSchema> schema = fetch(id);
                if (warned) {
                    LOG.infof("schema registry %s reachable again", config.registryUrl());
                }
                byId.put(id, schema);
                return schema;
            } catch (RegistryUnavailableException e) {
                metrics.error();
                if (!warned) {
                    LOG.warnf("%s; retrying with backoff, consumption paused", e.getMessage());
                    warned = true;
                }
                backoff.pause();
            }
        }
    }

    private Optional<RowSchema> fetch(int id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/schemas/ids/" + id))
                .timeout(config.registryTimeout())
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + config.registryUrl() + " unreachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading schema " + id, e);
        }
        int status = response.statusCode();
        if (status == 404) {
            LOG.warnf("the schema registry has no schema %d; its events get column types inferred from their values", id);
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw new RegistryUnavailableException("schema registry answered " + status + " for schema " + id);
        }
        try {
            JsonNode body = MAPPER.readTree(response.body());
            JsonNode schema = MAPPER.readTree(body.path("schema").asText("{}"));
            Optional<RowSchema> row = RowSchema.fromEnvelopeSchema(schema);
            if (row.isEmpty()) {
                LOG.warnf("schema %d has no definitions.Value; its events get column types inferred from their values", id);
            }
            return row;
        } catch (IOException e) {
            LOG.warnf("schema %d is not readable JSON (%s); its events get column types inferred from their values",
                    id, e.getMessage());
            return Optional.empty();
        }
    }

    private String base() {
        String url = config.registryUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The registry could not be asked: retry. */
    static final class RegistryUnavailableException extends RuntimeException {
        RegistryUnavailableException(String message) {
            super(message);
        }
    }
}
