package io.cdcflow.sink;

/**
 * Raised inside a {@link ChangeWriter} when its store cannot be reached or refuses for load; the writer catches it
 * and reports the changes it concerns as {@link WriteResult#retry() retry}, never lets it escape {@code write}.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
