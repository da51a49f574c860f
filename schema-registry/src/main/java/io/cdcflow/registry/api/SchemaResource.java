package io.cdcflow.registry.api;

import io.cdcflow.registry.schema.SchemaTypes;
import io.cdcflow.registry.store.SchemaStore;
import io.cdcflow.registry.store.SubjectVersion;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import java.util.List;

/** {@code /schemas}: schemas by global id, where they are used, and the supported types. */
@Path("/schemas")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
public class SchemaResource {

    private final SchemaStore store;
    private final SchemaTypes types;

    SchemaResource(SchemaStore store, SchemaTypes types) {
        this.store = store;
        this.types = types;
    }

    @GET
    @Path("ids/{id}")
    public Views.SchemaById byId(@PathParam("id") int id) {
        return Views.SchemaById.of(store.schema(id), null);
    }

    @GET
    @Path("ids/{id}/schema")
    public String rawById(@PathParam("id") int id) {
        return store.schema(id).text();
    }

    @GET
    @Path("ids/{id}/versions")
    public List<Views.SubjectVersionRef> versionsOf(@PathParam("id") int id, @QueryParam("deleted") boolean deleted) {
        return store.versionsOfSchema(id, deleted).stream()
                .map(v -> new Views.SubjectVersionRef(v.subject(), v.version())).toList();
    }

    @GET
    @Path("ids/{id}/subjects")
    public List<String> subjectsOf(@PathParam("id") int id, @QueryParam("deleted") boolean deleted,
                                   @QueryParam("subject") String subject) {
        return store.versionsOfSchema(id, deleted).stream().map(SubjectVersion::subject)
                .filter(s -> subject == null || s.equals(subject)).distinct().toList();
    }

    @GET
    @Path("types")
    public List<String> types() {
        return types.names();
    }
}
