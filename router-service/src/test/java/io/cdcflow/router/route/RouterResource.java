package io.cdcflow.router.route;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** The real Kafka of the stack and the real schema registry (its built jar, through bin/services) for the router. */
public class RouterResource implements QuarkusTestResourceLifecycleManager {

    /** Unique to this run: the consumer group and control topic the router uses. */
    static final String RUN = Long.toHexString(System.nanoTime());
    /** The password of the API user {@code ops}. */
    static final String API_PASSWORD = "secret-" + RUN;
    /** A table whose schema-change policy is pause. */
    static final String PAUSED_TOPIC = "rt" + RUN + "aa.public.items";
    /** A table whose schema-change policy is dead-letter. */
    static final String DEAD_LETTER_TOPIC = "rt" + RUN + "dd.public.items";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        Services.up("schema-registry");
        return Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", stack.kafkaBootstrap()),
                Map.entry("cdc.router.registry.url", Services.url("schema-registry")),
                Map.entry("cdc.router.registry.username", "cdc"),
                Map.entry("cdc.router.registry.password", Services.registryPassword()),
                Map.entry("cdc.router.max-value-bytes", "20000"),
                Map.entry("cdc.router.topics-pattern", "rt[0-9a-f]+\\.[^.]+\\.[^.]+"),
                Map.entry("cdc.router.group", "router-it-" + RUN),
                Map.entry("cdc.router.control-topic", "cdc.router.control-it-" + RUN),
                Map.entry("cdc.router.api.users", "ops:" + API_PASSWORD),
                Map.entry("cdc.router.schema-change-policies.\"" + PAUSED_TOPIC + "\"", "pause"),
                Map.entry("cdc.router.schema-change-policies.\"" + DEAD_LETTER_TOPIC + "\"", "dead-letter"));
    }

    @Override
    public void stop() {
        // The registry keeps running for other tests; bin/test stops every service at the end.
    }
}
