package io.cdcflow.sink;

import java.time.Duration;

/**
 * What the shared consumer needs to know about the sink it runs in; each sink module produces one bean of it from
 * its own validated configuration. The channels are fixed: {@code changes} (incoming batches of validated change
 * records) and {@code dlq} (outgoing dead letters), configured in the sink's {@code application.properties}.
 *
 * @param name            the {@code sink} tag of every meter and the {@code cdc.dlq.service} header of dead letters
 * @param storeName       the store's name in log lines and meter descriptions, e.g. {@code Redis}
 * @param deadLetterTopic the topic dead letters go to
 * @param initialBackoff  the first wait before writing again what the store could not take
 * @param maxBackoff      the cap of the doubling waits
 */
public record SinkSettings(String name, String storeName, String deadLetterTopic, Duration initialBackoff,
                           Duration maxBackoff) {
}
