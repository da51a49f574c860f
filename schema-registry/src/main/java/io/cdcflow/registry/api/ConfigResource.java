package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryException;
import io.cdcflow.registry.auth.WriteOperation;
import io.cdcflow.registry.schema.CompatibilityLevel;
import io.cdcflow.registry.store.SettingsStore;
import io.cdcflow.registry.store.SubjectSettings;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import java.util.Optional;

/** {@code /config}: the compatibility level (and normalize default), global and per subject. */
@Path("/config")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
@Consumes({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, RegistryMediaTypes.PLAIN_JSON})
public class ConfigResource {

    private final SettingsStore settings;

    ConfigResource(SettingsStore settings) {
        this.settings = settings;
    }

    @GET
    public Views.Config global() {
        Optional<SubjectSettings> stored = settings.config(SettingsStore.GLOBAL);
        String level = stored.map(SubjectSettings::compatibility).orElse(settings.defaultLevel().name());
        return new Views.Config(level, stored.map(SubjectSettings::normalize).orElse(null));
    }

    @PUT
    @WriteOperation
    public Views.ConfigUpdate putGlobal(Requests.ConfigRequest request) {
        return put(SettingsStore.GLOBAL, request);
    }

    @DELETE
    @WriteOperation
    public Views.Config deleteGlobal() {
        Views.Config previous = global();
        settings.deleteConfig(SettingsStore.GLOBAL);
        return previous;
    }

    @GET
    @Path("{subject}")
    public Views.Config subject(@PathParam("subject") String subject,
                                @QueryParam("defaultToGlobal") boolean defaultToGlobal) {
        Optional<SubjectSettings> own = settings.config(Requests.subject(subject))
                .filter(s -> s.compatibility() != null || s.normalize() != null);
        if (own.isPresent()) {
            return new Views.Config(own.get().compatibility() != null ? own.get().compatibility()
                    : settings.effectiveLevel(subject).name(), own.get().normalize());
        }
        if (defaultToGlobal) {
            return global();
        }
        throw RegistryException.subjectConfigNotFound(subject);
    }

    @PUT
    @Path("{subject}")
    @WriteOperation
    public Views.ConfigUpdate putSubject(@PathParam("subject") String subject, Requests.ConfigRequest request) {
        return put(Requests.subject(subject), request);
    }

    @DELETE
    @Path("{subject}")
    @WriteOperation
    public Views.Config deleteSubject(@PathParam("subject") String subject) {
        SubjectSettings previous = settings.deleteConfig(Requests.subject(subject))
                .orElseThrow(() -> RegistryException.subjectConfigNotFound(subject));
        return new Views.Config(previous.compatibility(), previous.normalize());
    }

    private Views.ConfigUpdate put(String scope, Requests.ConfigRequest request) {
        if (request == null || (request.level() == null && request.normalize() == null)) {
            throw RegistryException.invalidCompatibilityLevel("null");
        }
        String level = null;
        if (request.level() != null) {
            level = CompatibilityLevel.parse(request.level())
                    .orElseThrow(() -> RegistryException.invalidCompatibilityLevel(request.level())).name();
        }
        SubjectSettings stored = settings.putConfig(scope, level, request.normalize());
        return new Views.ConfigUpdate(stored.compatibility(), stored.normalize());
    }
}
