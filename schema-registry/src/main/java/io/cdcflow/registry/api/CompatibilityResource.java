package io.cdcflow.registry.api;

import io.cdcflow.registry.store.SchemaStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import java.util.List;

/** {@code /compatibility}: tests a schema against a subject's versions without registering it. */
@Path("/compatibility")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
@Consumes({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
public class CompatibilityResource {

    private final SchemaStore store;
    private final CandidateParser parser;

    CompatibilityResource(SchemaStore store, CandidateParser parser) {
        this.store = store;
        this.parser = parser;
    }

    /** Against one version (or {@code latest}), in the direction of the subject's level. */
    @POST
    @Path("subjects/{subject}/versions/{version}")
    public Views.Compatibility againstVersion(@PathParam("subject") String subject,
                                              @PathParam("version") String version,
                                              @QueryParam("verbose") boolean verbose,
                                              @QueryParam("normalize") Boolean normalize,
                                              Requests.SchemaRequest request) {
        Integer v = Requests.version(version);
        SchemaStore.Candidate candidate = parser.parse(request, normalize);
        return answer(store.testCompatibility(Requests.subject(subject), v, false, candidate.schema()), verbose);
    }

    /** Against the versions the subject's level names (the latest, or all for a transitive level). */
    @POST
    @Path("subjects/{subject}/versions")
    public Views.Compatibility againstLevel(@PathParam("subject") String subject,
                                            @QueryParam("verbose") boolean verbose,
                                            @QueryParam("normalize") Boolean normalize,
                                            Requests.SchemaRequest request) {
        SchemaStore.Candidate candidate = parser.parse(request, normalize);
        return answer(store.testCompatibility(Requests.subject(subject), null, true, candidate.schema()), verbose);
    }

    private static Views.Compatibility answer(List<String> messages, boolean verbose) {
        return new Views.Compatibility(messages.isEmpty(), verbose ? messages : null);
    }
}
