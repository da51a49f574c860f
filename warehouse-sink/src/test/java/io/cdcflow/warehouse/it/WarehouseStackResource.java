package io.cdcflow.warehouse.it;

import io.cdcflow.testkit.TcpProxy;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Points the sink at the real stack (store PostgreSQL database {@code warehouse}, Kafka) with a consumer group and
 * topic pattern of this run only ({@code validated.it<run>.*}), so the test neither takes partitions from a running
 * warehouse-sink nor sees anyone else's topics. The fixtures {@code registry/<n>.json} (schemas in the router's format)
 * are registered in the real schema registry, started from its jar through {@code bin/services}; their ids are in
 * {@code cdc.it.schema-id.<n>}. Everything the sink writes goes to the real PostgreSQL.
 */
public class WarehouseStackResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: when "true", the sink reaches PostgreSQL through a {@link TcpProxy} the test can cut. */
    static final String PROXY = "proxy";

    /**
     * The name of the sink under test (metrics tag {@code sink}, dead-letter header {@code cdc.dlq.service}), told
     * apart from a warehouse-sink service that may run on the same stack and also see the test topics.
     */
    static final String SINK = "warehouse-sink-it";

    /** The warehouse schema prefix of the sink under test. */
    static final String SCHEMA_PREFIX = "sinkit_";

    private static final String REGISTRY = Services.url("schema-registry");

    private StackEndpoints stack;
    private String run;
    private boolean proxied;
    private TcpProxy proxy;

    @Override
    public void init(Map<String, String> initArgs) {
        proxied = Boolean.parseBoolean(initArgs.getOrDefault(PROXY, "false"));
    }

    /** Gives a test the relay to the warehouse, which it can cut and restore (a field of type TcpProxy). */
    @Override
    public void inject(TestInjector testInjector) {
        if (proxy != null) {
            testInjector.injectIntoFields(proxy, new TestInjector.MatchesType(TcpProxy.class));
        }
    }

    @Override
    public Map<String, String> start() {
        stack = Stack.up();
        run = "it" + Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(1296), 36);
        Map<String, String> config = new HashMap<>();
        // The real schema registry (its built jar, through bin/services), with the fixtures registered in it.
        Services.up("schema-registry");
        for (int fixture : new int[]{9001, 9002}) {
            config.put("cdc.it.schema-id." + fixture, Integer.toString(register(run + ".public.typed-value", fixture)));
        }
        // A lossy type change (qty int -> text), which the registry's BACKWARD level refuses as one subject's next
        // version: the sink looks schemas up by id, so two subjects stand for the policy that let it through.
        config.put("cdc.it.schema-id.9003", Integer.toString(register(run + ".public.lossy-value", 9003)));
        config.put("cdc.it.schema-id.9004", Integer.toString(register(run + ".public.lossy-v2-value", 9004)));
        // An Avro value schema as the router registers it, for values in Avro (cdc.router.value-format=avro).
        config.put("cdc.it.schema-id.9005", Integer.toString(register("validated." + run + ".public.framed-value", 9005)));
        config.put("cdc.it.schema-id.9006", Integer.toString(register("validated." + run + ".public.framed-key", 9006)));

        String jdbcUrl = stack.storePgJdbcUrl("warehouse");
        if (proxied) {
            try {
                proxy = new TcpProxy(stack.get("CDC_STORE_PG_HOST"), Integer.parseInt(stack.get("CDC_STORE_PG_PORT")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jdbcUrl = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/warehouse";
            config.put("cdc.sink.retry.max-backoff", "1s");
        }
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.username", stack.get("CDC_STORE_PG_USER"));
        config.put("quarkus.datasource.password", stack.get("CDC_STORE_PG_PASSWORD"));
        config.put("kafka.bootstrap.servers", stack.kafkaBootstrap());
        config.put("cdc.sink.topics-pattern", "validated\\." + run + "\\..*");
        config.put("mp.messaging.incoming.changes.group.id", "warehouse-sink-" + run);
        config.put("cdc.sink.registry.url", REGISTRY);
        config.put("cdc.sink.retry.initial-backoff", "50ms");
        // A warehouse-sink service running on the same stack also consumes validated.*: its tables for these topics
        // land in it<run>_public, the ones under test in sinkit_it<run>_public.
        config.put("cdc.sink.warehouse.schema-prefix", SCHEMA_PREFIX);
        config.put("cdc.sink.name", SINK);
        config.put("cdc.it.run", run);
        return config;
    }

    /** Registers fixture {@code registry/<fixture>.json} (or {@code .avsc}, an Avro schema) under the subject and returns the registry's id for it. */
    private static int register(String subject, int fixture) {
        boolean avro = WarehouseStackResource.class.getResource("/registry/" + fixture + ".avsc") != null;
        try (InputStream in = WarehouseStackResource.class.getResourceAsStream("/registry/" + fixture + (avro ? ".avsc" : ".json"))) {
            String schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(REGISTRY + "/subjects/" + subject + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("cdc:" + Services.registryPassword()).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schemaType\":\"" + (avro ? "AVRO" : "JSON")
                            + "\",\"schema\":" + quote(schema) + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("registry refused fixture " + fixture + ": " + r.statusCode() + " " + r.body());
            }
            return Integer.parseInt(r.body().replaceAll("\\D+", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(ch);
            }
        }
        return out.append('"').toString();
    }

    /**
     * Removes what this run made, so that the shared stack does not fill up and no other sink (subscribed to
     * {@code validated.*}) picks the test topics up later: the topics, the consumer group, the warehouse schema.
     */
    @Override
    public void stop() {
        if (proxy != null) {
            try {
                proxy.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (run == null) {
            return;
        }
        try (TestKafka kafka = TestKafka.of(stack)) {
            kafka.deleteTopics(kafka.topics().stream().filter(t -> t.startsWith("validated." + run + ".")).toList());
            kafka.deleteGroup("warehouse-sink-" + run);
        } catch (RuntimeException e) {
            System.err.println("could not remove the Kafka topics or group of test run " + run + ": " + e);
        }
        try (Connection c = DriverManager.getConnection(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD")); Statement st = c.createStatement()) {
            for (String schema : List.of(SCHEMA_PREFIX + run + "_public", run + "_public")) {
                st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
                st.execute("DELETE FROM cdc_sink.truncations WHERE target_schema = '" + schema + "'");
            }
        } catch (SQLException e) {
            System.err.println("could not drop the warehouse schema of test run " + run + ": " + e);
        }
    }
}
