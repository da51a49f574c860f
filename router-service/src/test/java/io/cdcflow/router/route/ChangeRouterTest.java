package io.cdcflow.router.route;

import io.cdcflow.model.DeadLetterHeaders;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.registryclient.RegistryClientSettings;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.router.config.RouterConfig;
import io.cdcflow.router.schema.SchemaRegistrar;
import io.cdcflow.router.schema.ValidatedRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The router's decisions that need no schema: tombstones, size and parse failures, flattened rows without a
 * position, outbox events; and that a change it cannot check because the registry is away is neither routed nor
 * dead-lettered. The router's collaborators are the real ones, its registry client aimed at a closed port (what a
 * registry accepts is tested against the real one in RouterIT).
 */
class ChangeRouterTest {

    private static final String TOPIC = "app.public.items";
    private static final byte[] KEY = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger registryFailures = new AtomicInteger();

    @Test
    void aTombstoneIsSkippedAndCountedWithoutAskingTheRegistry() {
        Decision d = router(Map.of()).route(TOPIC, 0, 7, KEY, null, false);
        assertThat(d).isEqualTo(new Decision.Skip("tombstone"));
        assertThat(meters.counter("cdc.router.tombstones.skipped", "topic", TOPIC).count()).isEqualTo(1);
        assertThat(registryFailures).hasValue(0);
    }

    @Test
    void aValueOverTheLimitIsDeadLetteredWithItsBytesAndWhereItCameFrom() {
        byte[] value = ("{\"pad\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        Decision d = router(Map.of("cdc.router.max-value-bytes", "100")).route(TOPIC, 3, 42, KEY, value, false);
        Decision.Write w = deadLetter(d, MalformedEventException.Reason.TOO_LARGE);
        assertThat(w.value()).isEqualTo(value);
        assertThat(w.key()).isEqualTo(KEY);
        Map<String, String> h = headers(w.headers());
        assertThat(h.get(DeadLetterHeaders.MESSAGE)).contains("cdc.router.max-value-bytes", "100");
        assertThat(h).containsEntry(DeadLetterHeaders.TOPIC, TOPIC).containsEntry(DeadLetterHeaders.PARTITION, "3")
                .containsEntry(DeadLetterHeaders.OFFSET, "42").containsEntry(DeadLetterHeaders.SERVICE, "router-service");
        assertThat(meters.counter("cdc.router.dead.lettered", "reason", MalformedEventException.Reason.TOO_LARGE.tag())
                .count()).isEqualTo(1);
    }

    @Test
    void bytesThatAreNotJsonAreDeadLettered() {
        byte[] value = "not json {".getBytes(StandardCharsets.UTF_8);
        Decision.Write w = deadLetter(router(Map.of()).route(TOPIC, 0, 1, KEY, value, false),
                MalformedEventException.Reason.UNPARSEABLE_JSON);
        assertThat(w.value()).isEqualTo(value);
    }

    @Test
    void aFlattenedRowWithoutAPositionIsDeadLetteredNamingTheFixUnlessItsTopicMayUseOffsets() {
        byte[] flat = "{\"id\":1,\"name\":\"a\",\"__op\":\"c\",\"__source_ts_ms\":1}".getBytes(StandardCharsets.UTF_8);
        Decision.Write w = deadLetter(router(Map.of()).route(TOPIC, 0, 5, KEY, flat, false),
                MalformedEventException.Reason.BAD_POSITION);
        assertThat(headers(w.headers()).get(DeadLetterHeaders.MESSAGE))
                .contains("add.fields", "cdc.router.offset-position-topics");
        assertThat(registryFailures).hasValue(0);
    }

    @Test
    void anOutboxInsertIsRoutedToItsAggregatesTopicWithoutAskingTheRegistry() {
        String topic = "app.public.outboxevent";
        String schema = RawEvents.schemaOf(topic, RawEvents.column("id", "string", false, ""),
                RawEvents.column("aggregatetype", "string", false, ""),
                RawEvents.column("aggregateid", "string", false, ""),
                RawEvents.column("type", "string", false, ""), RawEvents.column("payload", "string", true, ""));
        String value = RawEvents.insert(topic, schema, "{\"id\":\"e-1\",\"aggregatetype\":\"order\","
                + "\"aggregateid\":\"o-9\",\"type\":\"OrderCreated\",\"payload\":\"{\\\"total\\\":3}\"}", 100);
        Decision d = router(Map.of()).route(topic, 0, 0, "{\"id\":\"e-1\"}".getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), false);
        assertThat(d).isInstanceOf(Decision.Write.class);
        Decision.Write w = (Decision.Write) d;
        assertThat(w.topic()).isEqualTo("outbox.event.order");
        assertThat(new String(w.key(), StandardCharsets.UTF_8)).isEqualTo("o-9");
        assertThat(new String(w.value(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":3}");
        assertThat(headers(w.headers())).containsEntry("id", "e-1").containsEntry("eventType", "OrderCreated");
        assertThat(registryFailures).hasValue(0);
    }

    @Test
    void aChangeWhoseSchemaCannotBeCheckedWaitsForTheRegistryInsteadOfBeingRoutedOrDeadLettered() throws Exception {
        ChangeRouter router = router(Map.of());
        String schema = RawEvents.schema(TOPIC, "");
        byte[] value = RawEvents.insert(TOPIC, schema, "{\"id\":1,\"name\":\"a\"}", 10).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Decision> decision = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                decision.complete(router.route(TOPIC, 0, 0, KEY, value, false));
            } catch (RuntimeException e) {
                decision.completeExceptionally(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registryFailures.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(registryFailures.get()).as("attempts to reach the registry").isGreaterThanOrEqualTo(3);
        assertThat(decision).as("a decision taken without the registry").isNotDone();
        t.interrupt(); // as at shutdown: the retrying ends, and the record is consumed again at the next start
        t.join(10_000);
        assertThat(decision).isCompletedExceptionally();
        assertThat(meters.find("cdc.router.dead.lettered").counters()).isEmpty();
        assertThat(meters.find("cdc.router.routed").counters()).isEmpty();
    }

    @Test
    void anOffsetPositionTopicsValueThatIsNotARegularExpressionFailsTheStartNamingTheProperty() {
        assertThatThrownBy(() -> router(Map.of("cdc.router.offset-position-topics", "dbz.(")))
                .hasMessageContaining("cdc.router.offset-position-topics");
    }

    private ChangeRouter router(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.put("cdc.router.registry.url", "http://127.0.0.1:1"); // nothing listens there
        all.put("cdc.router.registry.initial-backoff", "10ms");
        all.put("cdc.router.registry.max-backoff", "20ms");
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(RouterConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", all) {
                }).build();
        RouterConfig config = c.getConfigMapping(RouterConfig.class);
        RouterConfig.Registry r = config.registry();
        SchemaRegistryClient client = new SchemaRegistryClient(new RegistryClientSettings(r.url(), r.timeout(),
                r.username(), r.password(), r.initialBackoff(), r.maxBackoff()), registryFailures::incrementAndGet);
        return new ChangeRouter(config, new SchemaRegistrar(client, config, meters), new OutboxRouter(config),
                new ValidatedRecords(client, config), meters);
    }

    private static Decision.Write deadLetter(Decision d, MalformedEventException.Reason reason) {
        assertThat(d).isInstanceOf(Decision.Write.class);
        Decision.Write w = (Decision.Write) d;
        assertThat(w.topic()).isEqualTo("cdc.dlq");
        assertThat(headers(w.headers())).containsEntry(DeadLetterHeaders.REASON, reason.tag());
        return w;
    }

    private static Map<String, String> headers(Headers headers) {
        Map<String, String> out = new HashMap<>();
        for (Header h : headers) {
            out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
