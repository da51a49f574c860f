package io.cdcflow.router.route;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** The real Kafka of the stack and the real schema registry (its built jar, through bin/services) for the router. */
public class RouterResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        Services.up("schema-registry");
        return Map.of(
                "kafka.bootstrap.servers", stack.kafkaBootstrap(),
                "cdc.router.registry.url", Services.url("schema-registry"),
                "cdc.router.registry.username", "cdc",
                "cdc.router.registry.password", Services.registryPassword(),
                "cdc.router.max-value-bytes", "20000",
                // Only this test's topics, so leftovers of other tests do not interfere.
                "mp.messaging.incoming.raw.topic", "rt[0-9a-f]+\\.[^.]+\\.[^.]+",
                "mp.messaging.incoming.raw.group.id", "router-it-" + System.nanoTime());
    }

    @Override
    public void stop() {
        // The registry keeps running for other tests; bin/test stops every service at the end.
    }
}
