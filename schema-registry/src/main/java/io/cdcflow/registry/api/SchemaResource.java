package io.cdcflow.registry.api;

import io.cdcflow.registry.schema.SchemaTypes;
import io.cdcflow.registry.store.SchemaStore;
import io.cdcflow.registry.store.StoredVersion;
import jakarta.ws.rs.DefaultValue;
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
    public Views.SchemaById byId(@PathParam("id") int id, @QueryParam("fetchMaxId") boolean fetchMaxId) {
        return Views.SchemaById.of(store.schema(id), fetchMaxId ? store.maxId() : null);
    }

    /** Confluent's schema listing: every (or every latest) version of the subjects with the prefix. */
    @GET
    public List<Views.Version> list(@QueryParam("subjectPrefix") @DefaultValue("") String prefix,
                                    @QueryParam("deleted") boolean deleted,
                                    @QueryParam("latestOnly") boolean latestOnly,
                                    @QueryParam("offset") @DefaultValue("0") int offset,
                                    @QueryParam("limit") @DefaultValue("-1") int limit) {
        List<StoredVersion> all = store.allVersions(prefix, deleted);
        // Rows come ordered by subject then version: the latest of a subject is the last before the next subject.
        List<StoredVersion> versions = !latestOnly ? all : java.util.stream.IntStream.range(0, all.size())
                .filter(i -> i == all.size() - 1 || !all.get(i + 1).subject().equals(all.get(i).subject()))
                .mapToObj(all::get).toList();
        return versions.stream().skip(Math.max(0, offset)).limit(limit < 0 ? Long.MAX_VALUE : limit)
                .map(v -> Views.Version.of(v, deleted)).toList();
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
        return store.versionsOfSchema(id, deleted).stream().map(StoredVersion::subject)
                .filter(s -> subject == null || s.equals(subject)).distinct().toList();
    }

    @GET
    @Path("types")
    public List<String> types() {
        return types.names();
    }
}
