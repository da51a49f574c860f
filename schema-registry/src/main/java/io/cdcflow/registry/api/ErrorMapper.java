package io.cdcflow.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cdcflow.registry.RegistryException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure into Confluent's error body with the matching status. */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        if (e.status() >= 500) {
            LOG.warnf("answering %d: %s", e.errorCode(), e.getMessage());
        }
        return body(e.status(), e.errorCode(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return body(400, 400, "Invalid JSON body: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String message = status == 404 ? "HTTP 404 Not Found" : e.getMessage();
        return body(status, status, message);
    }

    static Response body(int status, int code, String message) {
        return Response.status(status).type(RegistryMediaTypes.V1_JSON).entity(new ErrorBody(code, message)).build();
    }
}
