package io.cdcflow.registry.api;

/** The content types of Confluent's registry API; responses default to the first. */
public final class RegistryMediaTypes {

    public static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    public static final String JSON = "application/vnd.schemaregistry+json";
    public static final String PLAIN_JSON = "application/json";

    private RegistryMediaTypes() {
    }
}
