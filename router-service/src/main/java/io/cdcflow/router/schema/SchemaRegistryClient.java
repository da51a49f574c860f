package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.model.Json;
import io.cdcflow.router.config.RouterConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A client of the Confluent Schema Registry REST API, as much as the router needs: register a JSON schema under a
 * subject, and fetch a schema by id. It sorts failures into two kinds: the registry refused the schema
 * ({@link SchemaRejectedException}, permanent for that schema) and the registry could not be asked
 * ({@link RegistryUnavailableException}, transient: retry).
 */
@ApplicationScoped
public class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper MAPPER = Json.mapper();

    private final RouterConfig.Registry config;
    private final HttpClient http;
    private final String authorization;

    SchemaRegistryClient(RouterConfig config) {
        this.config = config.registry();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
        this.authorization = this.config.username()
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(
                        (u + ":" + this.config.password().orElse("")).getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
    }

    /** Registers (or finds) a JSON schema under the subject and returns its global id. */
    public int register(String subject, JsonNode schema) {
        String body;
        try {
            body = MAPPER.writeValueAsString(MAPPER.createObjectNode()
                    .put("schemaType", "JSON")
                    .put("schema", MAPPER.writeValueAsString(schema)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a schema", e);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri("/subjects/" + encode(subject) + "/versions"))
                .timeout(config.timeout())
                .header("Content-Type", CONTENT_TYPE)
                .header("Accept", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        JsonNode answer = send(req.build(), subject);
        return answer.path("id").asInt();
    }

    private JsonNode send(HttpRequest request, String subject) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + config.url() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while calling the schema registry", e);
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status / 100 == 2) {
            return body;
        }
        String message = body.path("message").asText(response.body());
        int code = body.path("error_code").asInt(status);
        if (status == 409 || status == 422) {
            throw new SchemaRejectedException(status == 409, "registry refused the schema of " + subject
                    + " (" + code + "): " + message);
        }
        if (status == 401 || status == 403) {
            // A credential problem does not heal by itself, but it is not the event's fault either: keep retrying
            // (and saying so) rather than dead-lettering every event.
            throw new RegistryUnavailableException("schema registry refused our credential (" + status
                    + "): set cdc.router.registry.username/password", null);
        }
        throw new RegistryUnavailableException("schema registry answered " + status + " (" + code + "): " + message, null);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    private URI uri(String path) {
        String base = config.url().endsWith("/") ? config.url().substring(0, config.url().length() - 1) : config.url();
        return URI.create(base + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The registry answered that it will not take the schema: incompatible (409) or invalid (422). */
    public static class SchemaRejectedException extends RuntimeException {
        private final boolean incompatible;

        SchemaRejectedException(boolean incompatible, String message) {
            super(message);
            this.incompatible = incompatible;
        }

        public boolean incompatible() {
            return incompatible;
        }
    }

    /** The registry could not be asked (down, slow, 5xx, credential refused): try again later. */
    public static class RegistryUnavailableException extends RuntimeException {
        RegistryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
