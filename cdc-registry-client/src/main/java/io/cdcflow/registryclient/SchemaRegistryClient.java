package io.cdcflow.registryclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.model.Json;
import io.cdcflow.retry.Backoff;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The client of the schema registry's Confluent-compatible REST API that every service uses.
 *
 * <p><b>Retry policy.</b> A request the registry could not answer (refused connection, timeout, 5xx, credential
 * refused) is sent again with exponential backoff ({@link RegistryClientSettings#initialBackoff()} doubling up to
 * {@link RegistryClientSettings#maxBackoff()}) until it is answered, so a caller on a consumer thread pauses
 * consumption instead of dead-lettering or guessing; each failed attempt runs the {@code onFailure} hook (the
 * caller's error counter), the first is logged at WARN and the recovery at INFO. A definite answer is never retried:
 * a refused schema throws {@link SchemaRejectedException}, an unknown id is an empty result.
 *
 * <p><b>Cache.</b> Schemas by id are kept for the life of the process (an id never changes meaning), unknown ids too.
 * Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final Logger LOG = Logger.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper MAPPER = Json.mapper();

    private final RegistryClientSettings settings;
    private final Runnable onFailure;
    private final HttpClient http;
    private final String authorization;
    private final Map<Integer, Optional<RegisteredSchema>> byId = new ConcurrentHashMap<>();
    private final Map<Integer, Optional<RowSchema>> rowSchemas = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistryClientSettings settings, Runnable onFailure) {
        this.settings = settings;
        this.onFailure = onFailure;
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.authorization = settings.username()
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(
                        (u + ":" + settings.password().orElse("")).getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
    }

    /** The registry's base URL. */
    public String url() {
        return settings.url();
    }

    /**
     * Registers a schema under a subject (or finds it there) and returns its global id.
     *
     * @throws SchemaRejectedException when the registry refuses it
     */
    public int register(String subject, String schemaType, String schema) {
        String body = MAPPER.createObjectNode().put("schemaType", schemaType).put("schema", schema).toString();
        HttpRequest request = request("/subjects/" + encode(subject) + "/versions")
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int id = retrying("register a schema under " + subject, () -> {
            HttpResponse<String> response = send(request);
            JsonNode answer = parse(response.body());
            if (response.statusCode() / 100 == 2) {
                return answer.path("id").asInt();
            }
            throw refusal(response, answer, subject);
        });
        byId.putIfAbsent(id, Optional.of(new RegisteredSchema(id, schemaType, schema)));
        return id;
    }

    /**
     * The version under which a schema is registered in a subject (it must be registered there already).
     */
    public SubjectVersion lookup(String subject, String schemaType, String schema) {
        String body = MAPPER.createObjectNode().put("schemaType", schemaType).put("schema", schema).toString();
        HttpRequest request = request("/subjects/" + encode(subject)).header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return retrying("look up a schema in " + subject, () -> {
            HttpResponse<String> response = send(request);
            JsonNode answer = parse(response.body());
            if (response.statusCode() / 100 != 2) {
                throw unavailable(response, answer);
            }
            return version(answer, subject);
        });
    }

    /** The latest version of a subject; empty when the subject has none. */
    public Optional<SubjectVersion> latest(String subject) {
        HttpRequest request = request("/subjects/" + encode(subject) + "/versions/latest").GET().build();
        return retrying("read the latest version of " + subject, () -> {
            HttpResponse<String> response = send(request);
            JsonNode answer = parse(response.body());
            if (response.statusCode() == 404) {
                return Optional.<SubjectVersion>empty();
            }
            if (response.statusCode() / 100 != 2) {
                throw unavailable(response, answer);
            }
            return Optional.of(version(answer, subject));
        });
    }

    /**
     * Registers a schema the subject's compatibility level refuses, as the next version, by relaxing the subject's
     * level to {@code NONE} for this one registration and putting back what was there ({@code baseline}: the
     * subject's own level, or empty for the global one) at once.
     */
    public int registerIgnoringCompatibility(String subject, String schemaType, String schema, Optional<String> baseline) {
        putSubjectCompatibility(subject, Optional.of("NONE"));
        try {
            return register(subject, schemaType, schema);
        } finally {
            putSubjectCompatibility(subject, baseline);
        }
    }

    /** The compatibility level set on the subject itself; empty when it follows the global level. */
    public Optional<String> subjectCompatibility(String subject) {
        HttpRequest request = request("/config/" + encode(subject) + "?defaultToGlobal=false").GET().build();
        return retrying("read the compatibility level of " + subject, () -> {
            HttpResponse<String> response = send(request);
            JsonNode answer = parse(response.body());
            if (response.statusCode() == 404) {
                return Optional.<String>empty();
            }
            if (response.statusCode() / 100 != 2) {
                throw unavailable(response, answer);
            }
            String level = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(""));
            return level.isEmpty() ? Optional.<String>empty() : Optional.of(level);
        });
    }

    /** Sets the subject's own compatibility level, or removes it (back to the global level) when empty. */
    public void putSubjectCompatibility(String subject, Optional<String> level) {
        HttpRequest.Builder b = request("/config/" + encode(subject)).header("Content-Type", CONTENT_TYPE);
        HttpRequest request = level.isPresent()
                ? b.PUT(HttpRequest.BodyPublishers.ofString(MAPPER.createObjectNode()
                        .put("compatibility", level.get()).toString())).build()
                : b.DELETE().build();
        retrying("set the compatibility level of " + subject, () -> {
            HttpResponse<String> response = send(request);
            if (response.statusCode() / 100 != 2 && !(level.isEmpty() && response.statusCode() == 404)) {
                throw unavailable(response, parse(response.body()));
            }
            return null;
        });
    }

    private static SubjectVersion version(JsonNode answer, String subject) {
        return new SubjectVersion(answer.path("subject").asText(subject), answer.path("version").asInt(),
                answer.path("id").asInt(), answer.path("schemaType").asText("AVRO"), answer.path("schema").asText(""));
    }

    /** The schema registered under a global id; empty when the registry has none. */
    public Optional<RegisteredSchema> byId(int id) {
        Optional<RegisteredSchema> cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        HttpRequest request = request("/schemas/ids/" + id).GET().build();
        Optional<RegisteredSchema> found = retrying("read schema " + id, () -> {
            HttpResponse<String> response = send(request);
            if (response.statusCode() == 404) {
                LOG.warnf("the schema registry %s has no schema %d", settings.url(), id);
                return Optional.<RegisteredSchema>empty();
            }
            JsonNode answer = parse(response.body());
            if (response.statusCode() / 100 != 2) {
                throw unavailable(response, answer);
            }
            return Optional.of(new RegisteredSchema(id, answer.path("schemaType").asText("AVRO"),
                    answer.path("schema").asText("")));
        });
        byId.put(id, found);
        return found;
    }

    /**
     * The table row the value schema of a global id describes ({@link RegisteredSchema#rowSchema}), read once per id
     * (a schema's text never changes under its id); empty when the registry has none or it is not an envelope.
     */
    public Optional<RowSchema> rowSchema(int id) {
        Optional<RowSchema> known = rowSchemas.get(id);
        if (known != null) {
            return known;
        }
        Optional<RowSchema> row = byId(id).flatMap(RegisteredSchema::rowSchema);
        rowSchemas.put(id, row);
        return row;
    }

    private <T> T retrying(String what, Supplier<T> call) {
        Backoff backoff = null;
        while (true) {
            try {
                T result = call.get();
                if (backoff != null) {
                    LOG.infof("schema registry %s answers again; could %s", settings.url(), what);
                }
                return result;
            } catch (RegistryUnavailableException e) {
                onFailure.run();
                if (backoff == null) {
                    LOG.warnf("cannot %s: %s; retrying with backoff", what, e.getMessage());
                    backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
                } else {
                    LOG.debugf("still cannot %s: %s", what, e.getMessage());
                }
                backoff.pause();
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.url() + path))
                .timeout(settings.timeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + settings.url() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the schema registry", e);
        }
    }

    private RuntimeException refusal(HttpResponse<String> response, JsonNode answer, String subject) {
        int status = response.statusCode();
        if (status == 409 || status == 422) {
            return new SchemaRejectedException(status == 409, "registry refused the schema of " + subject + " ("
                    + answer.path("error_code").asInt(status) + "): " + answer.path("message").asText(response.body()));
        }
        return unavailable(response, answer);
    }

    private RegistryUnavailableException unavailable(HttpResponse<String> response, JsonNode answer) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            // Not the event's fault, and it does not heal by itself: keep retrying and saying so.
            return new RegistryUnavailableException("schema registry refused our credential (" + status
                    + "): check the registry username/password of this service", null);
        }
        return new RegistryUnavailableException("schema registry answered " + status + " ("
                + answer.path("error_code").asInt(status) + "): " + answer.path("message").asText(response.body()), null);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
