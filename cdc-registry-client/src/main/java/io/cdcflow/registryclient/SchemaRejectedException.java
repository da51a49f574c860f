package io.cdcflow.registryclient;

/** The registry will not take a schema: incompatible with the subject's earlier versions (409) or invalid (422). */
public class SchemaRejectedException extends RuntimeException {

    private final boolean incompatible;

    SchemaRejectedException(boolean incompatible, String message) {
        super(message);
        this.incompatible = incompatible;
    }

    /** True for an incompatible schema (409), false for an invalid one (422). */
    public boolean incompatible() {
        return incompatible;
    }
}
