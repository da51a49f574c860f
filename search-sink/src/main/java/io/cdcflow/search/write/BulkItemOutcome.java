package io.cdcflow.search.write;

import java.util.Set;

/**
 * How one item of a bulk response is taken: applied, stale (the guarded write left the document as it was: it holds
 * the same or a newer position), retried (the cluster was overloaded or failing, or the document kept changing under
 * the update), or rejected for good (OpenSearch refuses this document, e.g. a value that does not fit the field's
 * mapping), which dead-letters it.
 */
public enum BulkItemOutcome {
    APPLIED,
    STALE,
    RETRY,
    REJECTED;

    /** Error types that say the document itself is wrong, whatever the HTTP status says. */
    private static final Set<String> DOCUMENT_ERRORS = Set.of("mapper_parsing_exception",
            "document_parsing_exception", "illegal_argument_exception", "strict_dynamic_mapping_exception",
            "mapper_exception", "parsing_exception", "action_request_validation_exception");

    /** Error types that heal by themselves (or when an operator acts), whatever the HTTP status says. */
    private static final Set<String> TRANSIENT_ERRORS = Set.of("es_rejected_execution_exception",
            "opensearch_rejected_execution_exception", "unavailable_shards_exception", "cluster_block_exception",
            "index_not_found_exception", "circuit_breaking_exception", "no_shard_available_action_exception",
            "process_cluster_event_timeout_exception", "node_not_connected_exception");

    /**
     * Classifies one item from its HTTP status, its error type ({@code null} when it has no error) and its result
     * ({@code noop} when the guarded write found the document newer). A version conflict means concurrent updates
     * outlasted the retries on conflict: retried. Anything unknown is retried rather than dead-lettered: a store
     * problem must not cost rows.
     */
    public static BulkItemOutcome classify(int status, String errorType, String result) {
        if (errorType == null && status >= 200 && status < 300) {
            return "noop".equals(result) ? STALE : APPLIED;
        }
        if (errorType != null && TRANSIENT_ERRORS.contains(errorType)) {
            return RETRY;
        }
        if (errorType != null && DOCUMENT_ERRORS.contains(errorType)) {
            return REJECTED;
        }
        if (status == 400) {
            return REJECTED;
        }
        return RETRY;
    }
}
