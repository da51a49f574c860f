package io.cdcflow.router.route;

import org.apache.kafka.common.header.Headers;

/** What the router does with one input record: forward it, dead-letter it, or skip it (acknowledged, not written). */
public sealed interface Decision {

    /** Write a record: to a validated topic, an outbox event topic, or the dead-letter topic. */
    record Write(String topic, byte[] key, byte[] value, Headers headers) implements Decision {
    }

    /** Nothing to write, on purpose (e.g. the delete of an outbox row); {@code why} is for metrics. */
    record Skip(String why) implements Decision {
    }
}
