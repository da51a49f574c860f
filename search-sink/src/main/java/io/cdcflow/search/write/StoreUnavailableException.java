package io.cdcflow.search.write;

/**
 * A store the sink needs (OpenSearch, or the schema registry) could not be asked or answered that it is overloaded
 * or failing (connection refused, timeout, 429, 5xx): the work is retried with backoff, never dead-lettered.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
