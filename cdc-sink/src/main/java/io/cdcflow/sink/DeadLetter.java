package io.cdcflow.sink;

/**
 * A record that can never be applied, with the reason written to the {@code cdc.dlq.reason} header (a
 * {@code MalformedEventException.Reason} tag or another lower_snake word) and a human message.
 */
public record DeadLetter(RecordOrigin origin, String reason, String message) {
}
