package io.cdcflow.search.write;

/** OpenSearch refused to create or use an index for a table (e.g. an invalid name): its changes are dead-lettered. */
public class IndexRejectedException extends RuntimeException {

    public IndexRejectedException(String message) {
        super(message);
    }
}
