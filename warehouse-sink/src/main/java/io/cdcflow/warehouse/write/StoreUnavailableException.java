package io.cdcflow.warehouse.write;

/** The warehouse could not take the batch for a reason that is not the records' fault: retry the whole batch. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
