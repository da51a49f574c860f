package io.cdcflow.router.config;

/**
 * What the router does when a table's new schema is not compatible with the versions registered before it (a type
 * narrowed or changed, a primary key changed).
 */
public enum SchemaChangePolicy {
    /** Register it as the next version anyway, relaxing the subject's compatibility for that one step, and log it. */
    NEW_VERSION,
    /** Dead-letter the table's events that carry it (they can be sent again once the registry takes it). */
    DEAD_LETTER,
    /** Stop routing the table, keep its events in its topic, report it, and wait for an operator to resume it. */
    PAUSE
}
