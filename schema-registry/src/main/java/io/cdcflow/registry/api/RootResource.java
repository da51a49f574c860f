package io.cdcflow.registry.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import java.util.Map;

/** {@code GET /}: an empty object, as Confluent's registry answers (clients use it as a ping). */
@Path("/")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
public class RootResource {

    @GET
    public Map<String, Object> root() {
        return Map.of();
    }
}
