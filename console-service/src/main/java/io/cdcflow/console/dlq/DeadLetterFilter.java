package io.cdcflow.console.dlq;

import java.time.Instant;

/**
 * Which dead letters a list or a redrive covers; every part is optional (null matches all).
 *
 * @param reason  the {@code cdc.dlq.reason} tag
 * @param service the service that refused the record
 * @param topic   the topic it was read from
 * @param table   its table ({@code schema.table}, or the table's name alone)
 * @param since   dead-lettered at or after
 * @param until   dead-lettered before
 */
public record DeadLetterFilter(String reason, String service, String topic, String table, Instant since, Instant until) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null, null, null, null);

    public boolean matches(DeadLetterRecord r) {
        return (reason == null || reason.equals(r.origin().reason()))
                && (service == null || service.equals(r.origin().service()))
                && (topic == null || topic.equals(r.origin().topic()))
                && (table == null || table.equals(r.table()) || r.table().endsWith("." + table))
                && (since == null || !r.timestamp().isBefore(since))
                && (until == null || r.timestamp().isBefore(until));
    }

    /** True when nothing is filtered: a redrive of everything must be asked for explicitly. */
    public boolean isEmpty() {
        return reason == null && service == null && topic == null && table == null && since == null && until == null;
    }
}
