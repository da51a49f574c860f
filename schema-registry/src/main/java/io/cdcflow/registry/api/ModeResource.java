package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryException;
import io.cdcflow.registry.auth.WriteOperation;
import io.cdcflow.registry.store.RegistryMode;
import io.cdcflow.registry.store.SchemaStore;
import io.cdcflow.registry.store.SettingsStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

/** {@code /mode}: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT, global and per subject. */
@Path("/mode")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
@Consumes({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
public class ModeResource {

    private final SettingsStore settings;
    private final SchemaStore store;

    ModeResource(SettingsStore settings, SchemaStore store) {
        this.settings = settings;
        this.store = store;
    }

    @GET
    public Views.Mode global() {
        return new Views.Mode(settings.effectiveMode(SettingsStore.GLOBAL).name());
    }

    @PUT
    @WriteOperation
    public Views.Mode putGlobal(@QueryParam("force") boolean force, Requests.ModeRequest request) {
        return put(SettingsStore.GLOBAL, force, request);
    }

    @GET
    @Path("{subject}")
    public Views.Mode subject(@PathParam("subject") String subject,
                              @QueryParam("defaultToGlobal") boolean defaultToGlobal) {
        return settings.mode(Requests.subject(subject)).map(m -> new Views.Mode(m.name()))
                .or(() -> defaultToGlobal ? java.util.Optional.of(global()) : java.util.Optional.empty())
                .orElseThrow(() -> RegistryException.subjectModeNotFound(subject));
    }

    @PUT
    @Path("{subject}")
    @WriteOperation
    public Views.Mode putSubject(@PathParam("subject") String subject, @QueryParam("force") boolean force,
                                 Requests.ModeRequest request) {
        return put(Requests.subject(subject), force, request);
    }

    @DELETE
    @Path("{subject}")
    @WriteOperation
    public Views.Mode deleteSubject(@PathParam("subject") String subject) {
        return settings.deleteMode(Requests.subject(subject)).map(m -> new Views.Mode(m.name()))
                .orElseThrow(() -> RegistryException.subjectModeNotFound(subject));
    }

    private Views.Mode put(String scope, boolean force, Requests.ModeRequest request) {
        String name = request == null ? null : request.mode();
        RegistryMode mode = RegistryMode.parse(name).orElseThrow(() -> RegistryException.invalidMode(name));
        if (mode == RegistryMode.IMPORT && !force && store.hasVersions(scope)) {
            throw RegistryException.operationNotPermitted("Cannot import since found existing subjects; "
                    + "set force=true to switch to IMPORT mode anyway");
        }
        settings.putMode(scope, mode);
        return new Views.Mode(mode.name());
    }
}
