package io.cdcflow.registryclient;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's retry policy and cache, against a local HTTP server answering scripted responses. */
class SchemaRegistryClientTest {

    private HttpServer server;
    private final Deque<String[]> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private SchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String[] answer = answers.isEmpty() ? new String[]{"500", "{}"} : answers.poll();
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = new SchemaRegistryClient(RegistryClientSettings.anonymous(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofSeconds(2),
                Duration.ofMillis(5), Duration.ofMillis(20)), failures::incrementAndGet);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void retriesWhatTheRegistryCouldNotAnswerAndCountsEachFailure() {
        answers.add(new String[]{"503", "{\"error_code\":50301,\"message\":\"busy\"}"});
        answers.add(new String[]{"401", "{}"});
        answers.add(new String[]{"200", "{\"id\":7}"});

        assertThat(client.register("t-value", "JSON", "{}")).isEqualTo(7);
        assertThat(failures).hasValue(2);
        // The registered schema is known by its id without asking again.
        assertThat(client.byId(7)).contains(new RegisteredSchema(7, "JSON", "{}"));
        assertThat(requests).hasValue(3);
    }

    @Test
    void aRefusedSchemaIsNotRetried() {
        answers.add(new String[]{"409", "{\"error_code\":409,\"message\":\"incompatible\"}"});

        assertThatThrownBy(() -> client.register("t-value", "JSON", "{}"))
                .isInstanceOfSatisfying(SchemaRejectedException.class, e -> assertThat(e.incompatible()).isTrue())
                .hasMessageContaining("incompatible");
        assertThat(requests).hasValue(1);
    }

    @Test
    void anUnknownIdIsEmptyAndRemembered() {
        answers.add(new String[]{"404", "{\"error_code\":40403}"});

        assertThat(client.byId(3)).isEmpty();
        assertThat(client.byId(3)).isEmpty();
        assertThat(requests).hasValue(1);
    }

    @Test
    void readsTheColumnsOfARegisteredEnvelope() {
        String schema = """
                {"definitions":{"Value":{"type":"object","properties":{
                  "id":{"type":"integer","connect.type":"int32"},
                  "price":{"type":["number","null"],"connect.type":"bytes","connect.name":"org.apache.kafka.connect.data.Decimal",
                           "connect.parameters":{"scale":"2","connect.decimal.precision":"10"}},
                  "tags":{"type":"array","connect.type":"array","items":{"type":"string","connect.type":"string"}},
                  "guess":{"type":["integer","null"]}}}}}""";
        answers.add(new String[]{"200", "{\"schemaType\":\"JSON\",\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(schema) + "}"});

        RowSchema row = client.byId(11).orElseThrow().rowSchema().orElseThrow();

        assertThat(row.columns()).containsOnlyKeys("id", "price", "tags", "guess");
        assertThat(row.column("id").orElseThrow().type()).isEqualTo("int32");
        ColumnSchema price = row.column("price").orElseThrow();
        assertThat(price.optional()).isTrue();
        assertThat(price.logicalName()).isEqualTo("org.apache.kafka.connect.data.Decimal");
        assertThat(price.intParameter("scale")).contains(2);
        assertThat(row.column("tags").orElseThrow().items().type()).isEqualTo("string");
        assertThat(row.column("guess").orElseThrow().jsonType()).isEqualTo("integer");
    }
}
