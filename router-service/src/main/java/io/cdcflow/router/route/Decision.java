package io.cdcflow.router.route;

import org.apache.kafka.common.header.Headers;

/**
 * What the router does with one input record: forward it, skip it (acknowledged, not written), or stop routing its
 * table (the record and everything after it in its topic stay unrouted until the table is resumed).
 */
public sealed interface Decision {

    /** Write a record: to a validated topic, an outbox event topic, or the dead-letter topic. */
    record Write(String topic, byte[] key, byte[] value, Headers headers) implements Decision {
    }

    /** Nothing to write, on purpose (e.g. the delete of an outbox row); {@code why} is for metrics. */
    record Skip(String why) implements Decision {
    }

    /**
     * Stop routing the table of {@code topic}: its schema changed incompatibly and its policy is to pause.
     *
     * @param subject       the subject that refused the schema
     * @param pendingSchema the refused schema, for an operator to accept
     * @param reason        why, for people
     */
    record Pause(String topic, String subject, String pendingSchema, String reason) implements Decision {
    }
}
