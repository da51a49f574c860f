package io.cdcflow.registry.api;

import io.cdcflow.registry.auth.Credentials;
import io.cdcflow.registry.auth.WriteOperation;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses, with 401 and Confluent's error body, a write ({@link WriteOperation}) without an accepted credential, and
 * a read too when {@code cdc.registry.auth.protect-reads} is on. It never logs the header it checks.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class CredentialFilter implements ContainerRequestFilter {

    @Inject
    Credentials credentials;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        boolean write = resource.getResourceMethod() != null
                && resource.getResourceMethod().isAnnotationPresent(WriteOperation.class);
        if (!write && !credentials.protectReads()) {
            return;
        }
        if (!credentials.accepts(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"cdc-schema-registry\"")
                    .type(RegistryMediaTypes.V1_JSON)
                    .entity(new ErrorBody(40101, write
                            ? "A valid credential is required to change the registry"
                            : "A valid credential is required to read the registry"))
                    .build());
        }
    }
}
