package io.cdcflow.warehouse.write;

/**
 * A record that can never be applied, with the reason written to {@code cdc.dlq.reason} (a
 * {@code MalformedEventException.Reason} tag or another lower_snake word) and a human message.
 */
public record DeadLetter(RecordOrigin origin, String reason, String message) {
}
