package io.cdcflow.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The headers of a record in the dead-letter topic: why it was refused and where it was read from. The record's key
 * and value are the original bytes, unchanged, so that it can be sent back to {@link #topic()} once the cause is
 * fixed.
 *
 * @param reason    a {@link MalformedEventException.Reason} tag or another lower_snake word
 * @param message   what went wrong, for a person
 * @param topic     the topic the record was read from
 * @param partition its partition there
 * @param offset    its offset there
 * @param service   the service that refused it ({@code router-service}, {@code warehouse-sink}, ...)
 */
public record DeadLetterHeaders(String reason, String message, String topic, int partition, long offset,
                                String service) {

    public static final String REASON = "cdc.dlq.reason";
    public static final String MESSAGE = "cdc.dlq.message";
    public static final String TOPIC = "cdc.dlq.topic";
    public static final String PARTITION = "cdc.dlq.partition";
    public static final String OFFSET = "cdc.dlq.offset";
    public static final String SERVICE = "cdc.dlq.service";

    /** The headers by name, in the contract's order; a missing message repeats the reason. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(REASON, reason);
        m.put(MESSAGE, message == null ? reason : message);
        m.put(TOPIC, topic);
        m.put(PARTITION, Integer.toString(partition));
        m.put(OFFSET, Long.toString(offset));
        m.put(SERVICE, service);
        return m;
    }

    /**
     * Reads the headers back through {@code header} (name to text, null when absent); empty when the record is not a
     * dead letter of this contract (no reason or no origin).
     */
    public static Optional<DeadLetterHeaders> read(Function<String, String> header) {
        String reason = header.apply(REASON);
        String topic = header.apply(TOPIC);
        if (reason == null || topic == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeadLetterHeaders(reason, header.apply(MESSAGE), topic,
                    Integer.parseInt(String.valueOf(header.apply(PARTITION)).strip()),
                    Long.parseLong(String.valueOf(header.apply(OFFSET)).strip()), header.apply(SERVICE)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
