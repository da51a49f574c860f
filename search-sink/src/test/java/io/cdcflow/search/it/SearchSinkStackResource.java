package io.cdcflow.search.it;

import com.sun.net.httpserver.HttpServer;
import io.cdcflow.model.Json;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Points the sink at the real Kafka and OpenSearch of the local stack ({@code Stack.up()}), with a consumer group,
 * topic pattern and index prefix of its own for this run, so it reads only this run's topics and writes only this
 * run's indices. OpenSearch is reached through a {@link TcpProxy} a test can cut. The schema registry is a small in-test HTTP server answering {@code GET /schemas/ids/{id}} from
 * {@link #SCHEMAS} (the registry service may not be running; it is not the store under test).
 */
public class SearchSinkStackResource implements QuarkusTestResourceLifecycleManager {

    /** Unique to this run: prefix of every source name (and so of every topic) the tests use. */
    public static final String RUN = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    /** The sink's consumer group for this run. */
    public static final String GROUP = "search-sink-" + RUN;
    /** The index prefix for this run. */
    public static final String PREFIX = "ssit-" + RUN;
    /** Envelope schemas (as JSON text) the stub registry serves, by id. */
    public static final Map<Integer, String> SCHEMAS = new ConcurrentHashMap<>();

    static StackEndpoints endpoints;
    /** The sink reaches OpenSearch through this relay, so a test can take OpenSearch away and bring it back. */
    static TcpProxy openSearchRelay;
    private HttpServer registry;

    @Override
    public Map<String, String> start() {
        endpoints = Stack.up();
        try {
            registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        registry.createContext("/schemas/ids/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String schema = SCHEMAS.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
            byte[] body = (schema == null
                    ? "{\"error_code\":40403,\"message\":\"Schema not found\"}"
                    : Json.mapper().createObjectNode().put("schemaType", "JSON").put("schema", schema).toString())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(schema == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
        URI os = URI.create(endpoints.openSearchUrl());
        try {
            openSearchRelay = new TcpProxy(os.getHost(), os.getPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "kafka.bootstrap.servers", endpoints.kafkaBootstrap(),
                "cdc.sink.opensearch.url", "http://127.0.0.1:" + openSearchRelay.port(),
                "cdc.sink.registry-url", "http://127.0.0.1:" + registry.getAddress().getPort(),
                "cdc.sink.index.prefix", PREFIX,
                "cdc.sink.topics-pattern", "validated\\." + RUN + "[a-z0-9]*\\..*",
                "mp.messaging.incoming.changes.group.id", GROUP,
                "mp.messaging.incoming.changes.auto.commit.interval.ms", "500",
                "cdc.sink.retry.max-backoff", "2s");
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.stop(0);
        }
        if (openSearchRelay != null) {
            try {
                openSearchRelay.close();
            } catch (IOException e) {
                // the JVM is ending anyway
            }
        }
    }
}
