package io.cdcflow.console.dlq;

import io.cdcflow.model.DeadLetterHeaders;

import java.time.Instant;
import java.util.Map;

/**
 * One record of the dead-letter topic: where it sits there ({@code id} is {@code <partition>-<offset>}), why it was
 * refused and where it came from ({@link DeadLetterHeaders}), how often it was redriven before, and the original key
 * and value bytes, unchanged.
 *
 * @param headers every header, as text
 */
public record DeadLetterRecord(String id, int partition, long offset, Instant timestamp, DeadLetterHeaders origin,
                               int redriveCount, byte[] key, byte[] value, Map<String, String> headers) {

    /** The header a redrive sets: how often the record was sent back (1 on the first redrive). */
    public static final String REDRIVE_COUNT = "cdc.redrive.count";
    /** The header a redrive sets: when it was sent back (ISO-8601). */
    public static final String REDRIVE_AT = "cdc.redrive.at";

    public static String id(int partition, long offset) {
        return partition + "-" + offset;
    }

    /** The table of the original topic: its last two dot-separated names ({@code src.public.items} is {@code public.items}). */
    public String table() {
        String topic = origin.topic();
        if (topic.startsWith("validated.")) {
            topic = topic.substring("validated.".length());
        }
        int last = topic.lastIndexOf('.');
        int before = last <= 0 ? -1 : topic.lastIndexOf('.', last - 1);
        return before < 0 ? topic : topic.substring(before + 1);
    }
}
