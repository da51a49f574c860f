package io.cdcflow.console.api;

import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.UUID;

/**
 * A dead-letter topic and a decisions topic of this test's own in the stack's Kafka, and an operator credential. The
 * topics (and those the test's dead letters came from) start with {@code cdc.}, which no router or sink of the
 * stack consumes, so running services leave them alone.
 */
public class DlqTopics implements QuarkusTestResourceLifecycleManager {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String DLQ = "cdc.it-dlq-" + RUN;
    static final String DECISIONS = "cdc.it-dlq-decisions-" + RUN;
    static final String USER = "ops";
    static final String PASSWORD = "it-" + RUN;

    @Override
    public Map<String, String> start() {
        return Map.of("cdc.console.kafka-bootstrap-servers", Stack.up().kafkaBootstrap(),
                "cdc.console.dlq-topic", DLQ,
                "cdc.console.decisions-topic", DECISIONS,
                "cdc.console.redrive-cap", "3",
                "cdc.console.api.users", USER + ":" + PASSWORD);
    }

    @Override
    public void stop() {
    }
}
