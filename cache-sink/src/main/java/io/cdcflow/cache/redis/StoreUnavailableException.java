package io.cdcflow.cache.redis;

/** Redis could not be asked (connection refused or lost, timeout) or answered an error about itself. */
class StoreUnavailableException extends RuntimeException {

    StoreUnavailableException(String message) {
        super(message);
    }
}
