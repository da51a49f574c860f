package io.cdcflow.router.route;

import org.apache.kafka.common.header.Headers;

/**
 * Where one input record goes: a validated topic, or the dead-letter topic; with the key, value and headers to write.
 */
public record Routed(String topic, byte[] key, byte[] value, Headers headers, boolean deadLetter, String reason) {
}
