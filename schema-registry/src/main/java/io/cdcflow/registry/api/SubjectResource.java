package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryException;
import io.cdcflow.registry.auth.WriteOperation;
import io.cdcflow.registry.store.ReferenceStore;
import io.cdcflow.registry.store.SchemaStore;
import io.cdcflow.registry.store.SubjectDeletions;
import io.cdcflow.registry.store.StoredVersion;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import java.util.List;

/** {@code /subjects}: list subjects, register, look up, read and delete their versions. */
@Path("/subjects")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
@Consumes({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
public class SubjectResource {

    private final SchemaStore store;
    private final SubjectDeletions deletions;
    private final ReferenceStore references;
    private final CandidateParser parser;

    SubjectResource(SchemaStore store, SubjectDeletions deletions, ReferenceStore references, CandidateParser parser) {
        this.store = store;
        this.deletions = deletions;
        this.references = references;
        this.parser = parser;
    }

    @GET
    public List<String> subjects(@QueryParam("deleted") boolean deleted, @QueryParam("deletedOnly") boolean deletedOnly,
                                 @QueryParam("subjectPrefix") @DefaultValue("") String prefix) {
        return store.subjects(deleted, deletedOnly, prefix);
    }

    @GET
    @Path("{subject}/versions")
    public List<Integer> versions(@PathParam("subject") String subject, @QueryParam("deleted") boolean deleted,
                                  @QueryParam("deletedOnly") boolean deletedOnly) {
        List<StoredVersion> versions = store.versions(Requests.subject(subject), deleted || deletedOnly);
        return versions.stream().filter(v -> !deletedOnly || v.deleted()).map(StoredVersion::version).toList();
    }

    @POST
    @Path("{subject}/versions")
    @WriteOperation
    public Views.Id register(@PathParam("subject") String subject, @QueryParam("normalize") Boolean normalize,
                             Requests.SchemaRequest request) {
        SchemaStore.Candidate candidate = parser.parse(request, normalize);
        return new Views.Id(store.register(Requests.subject(subject), candidate, request.id(), request.version()).id());
    }

    @GET
    @Path("{subject}/versions/{version}")
    public Views.Version version(@PathParam("subject") String subject, @PathParam("version") String version,
                                @QueryParam("deleted") boolean deleted) {
        return Views.Version.of(store.version(Requests.subject(subject), Requests.version(version), deleted), deleted);
    }

    @GET
    @Path("{subject}/versions/{version}/schema")
    public String rawSchema(@PathParam("subject") String subject, @PathParam("version") String version,
                            @QueryParam("deleted") boolean deleted) {
        return store.version(Requests.subject(subject), Requests.version(version), deleted).schema().text();
    }

    @GET
    @Path("{subject}/versions/{version}/referencedby")
    public List<Integer> referencedBy(@PathParam("subject") String subject, @PathParam("version") String version) {
        return references.referencedBy(Requests.subject(subject), Requests.version(version));
    }

    @POST
    @Path("{subject}")
    public Views.Version lookup(@PathParam("subject") String subject, @QueryParam("normalize") Boolean normalize,
                                @QueryParam("deleted") boolean deleted, Requests.SchemaRequest request) {
        SchemaStore.Candidate candidate = parser.parse(request, normalize);
        return store.lookup(Requests.subject(subject), candidate, deleted).map(v -> Views.Version.of(v, deleted))
                .orElseThrow(RegistryException::schemaNotFound);
    }

    @DELETE
    @Path("{subject}")
    @WriteOperation
    public List<Integer> deleteSubject(@PathParam("subject") String subject,
                                       @QueryParam("permanent") boolean permanent) {
        return deletions.deleteSubject(Requests.subject(subject), permanent);
    }

    @DELETE
    @Path("{subject}/versions/{version}")
    @WriteOperation
    public int deleteVersion(@PathParam("subject") String subject, @PathParam("version") String version,
                             @QueryParam("permanent") boolean permanent) {
        return deletions.deleteVersion(Requests.subject(subject), Requests.version(version), permanent);
    }
}
