package io.cdcflow.search.it;

import io.cdcflow.testkit.TcpProxy;

import io.cdcflow.model.Json;
import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Points the sink at the real Kafka and OpenSearch of the local stack ({@code Stack.up()}), with a consumer group,
 * topic pattern and index prefix of its own for this run, so it reads only this run's topics and writes only this
 * run's indices. OpenSearch is reached through a {@link TcpProxy} a test can cut. Schemas are
 * registered in the real schema registry ({@link #register}), started from its jar through {@code bin/services}.
 */
public class SearchSinkStackResource implements QuarkusTestResourceLifecycleManager {

    /** Unique to this run: prefix of every source name (and so of every topic) the tests use. */
    public static final String RUN = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    /** The sink's consumer group for this run. */
    public static final String GROUP = "search-sink-" + RUN;
    /**
     * The sink's name under test: a search-sink service running on the same stack (bin/services) also consumes
     * validated.* and dead-letters the same records, under its own name.
     */
    public static final String SINK = "search-sink-it";
    /** The index prefix for this run. */
    public static final String PREFIX = "ssit-" + RUN;
    private static final String REGISTRY = Services.url("schema-registry");

    static StackEndpoints endpoints;
    /** The sink reaches OpenSearch through this relay, so a test can take OpenSearch away and bring it back. */
    static TcpProxy openSearchRelay;

    @Override
    public Map<String, String> start() {
        endpoints = Stack.up();
        // The real schema registry (its built jar, through bin/services); tests register their schemas in it.
        Services.up("schema-registry");
        URI os = URI.create(endpoints.openSearchUrl());
        try {
            openSearchRelay = new TcpProxy(os.getHost(), os.getPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "kafka.bootstrap.servers", endpoints.kafkaBootstrap(),
                "cdc.sink.opensearch.url", "http://127.0.0.1:" + openSearchRelay.port(),
                "cdc.sink.registry.url", REGISTRY,
                "cdc.sink.opensearch.index.prefix", PREFIX,
                "cdc.sink.topics-pattern", "validated\\." + RUN + "[a-z0-9]*\\..*",
                "mp.messaging.incoming.changes.group.id", GROUP,
                "mp.messaging.incoming.changes.auto.commit.interval.ms", "500",
                "cdc.sink.retry.max-backoff", "2s",
                "cdc.sink.name", SINK);
    }

    /** Registers an envelope schema (JSON text) under the subject in the real registry and returns its id. */
    public static int register(String subject, String schema) {
        try {
            String body = Json.mapper().createObjectNode().put("schemaType", "JSON").put("schema", schema).toString();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(REGISTRY + "/subjects/" + subject + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("cdc:" + Services.registryPassword()).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("registry refused the schema: " + r.statusCode() + " " + r.body());
            }
            return Json.mapper().readTree(r.body()).get("id").asInt();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (openSearchRelay != null) {
            try {
                openSearchRelay.close();
            } catch (IOException e) {
                // the JVM is ending anyway
            }
        }
    }
}
