package io.cdcflow.router.api;

import io.cdcflow.auth.BasicCredentials;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.registryclient.SubjectVersion;
import io.cdcflow.router.consume.PausedTables;
import io.cdcflow.router.consume.TablePause;
import io.cdcflow.router.schema.SchemaRegistrar;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The router's tables: {@code GET /tables} lists, per raw topic, the value schema version its events carry, its
 * schema-change policy and whether it is paused (and why); {@code POST /tables/{topic}/pause} and
 * {@code POST /tables/{topic}/resume} (optionally {@code ?accept-schema=true}: register the schema that paused it as
 * the next version first) change that for every router instance. Writes need a credential of
 * {@code cdc.router.api.users}, are logged and counted.
 */
@Path("/tables")
@Produces(MediaType.APPLICATION_JSON)
public class TablesResource {

    private static final Logger LOG = Logger.getLogger(TablesResource.class);

    private final SchemaRegistrar registrar;
    private final PausedTables paused;
    private final BasicCredentials credentials;

    TablesResource(SchemaRegistrar registrar, PausedTables paused, BasicCredentials credentials) {
        this.registrar = registrar;
        this.paused = paused;
        this.credentials = credentials;
    }

    @GET
    public ObjectNode list() {
        Map<String, SubjectVersion> versions = registrar.currentVersions();
        Map<String, TablePause> pauses = paused.all();
        TreeSet<String> topics = new TreeSet<>(versions.keySet());
        topics.addAll(pauses.keySet());
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode tables = out.putArray("tables");
        for (String topic : topics) {
            ObjectNode t = tables.addObject().put("topic", topic)
                    .put("policy", registrar.policy(topic).name().toLowerCase().replace('_', '-'));
            SubjectVersion v = versions.get(topic);
            if (v != null) {
                t.put("subject", v.subject()).put("version", v.version()).put("schemaId", v.id());
            }
            TablePause p = pauses.get(topic);
            t.put("paused", p != null);
            if (p != null) {
                t.put("reason", p.reason()).put("since", p.since().toString()).put("by", p.by())
                        .put("pendingSchema", p.pendingSchema() != null);
            }
        }
        return out;
    }

    /** The same list as text, one table a line: topic, version, schema id, policy, paused or routing, and why. */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String listAsText() {
        StringBuilder out = new StringBuilder();
        for (var t : list().withArray("tables")) {
            out.append(String.join("\t", t.path("topic").asText(), t.path("version").asText("-"),
                    t.path("schemaId").asText("-"), t.path("policy").asText(),
                    t.path("paused").asBoolean() ? "PAUSED" : "routing", t.path("reason").asText(""))).append('\n');
        }
        return out.toString();
    }

    @POST
    @Path("{topic}/pause")
    public Response pause(@PathParam("topic") String topic, @QueryParam("reason") @DefaultValue("paused by an operator") String reason,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<String> user = authorize(authorization);
        if (user.isEmpty()) {
            return refused();
        }
        paused.pause(new TablePause(topic, reason, Instant.now(), user.get(), null, null));
        LOG.infof("%s paused %s: %s", user.get(), topic, reason);
        return Response.ok(list()).build();
    }

    @POST
    @Path("{topic}/resume")
    public Response resume(@PathParam("topic") String topic, @QueryParam("accept-schema") boolean acceptSchema,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<String> user = authorize(authorization);
        if (user.isEmpty()) {
            return refused();
        }
        TablePause pause = paused.all().get(topic);
        if (pause == null) {
            return Response.status(Response.Status.NOT_FOUND)
                    .entity(Json.mapper().createObjectNode().put("message", topic + " is not paused")).build();
        }
        if (acceptSchema && pause.pendingSchema() != null) {
            int id = registrar.accept(pause.subject(), pause.pendingSchema());
            LOG.infof("%s accepted the schema that paused %s: registered as id %d under %s", user.get(), topic, id,
                    pause.subject());
        }
        paused.resume(topic, user.get());
        LOG.infof("%s resumed %s", user.get(), topic);
        return Response.ok(list()).build();
    }

    private Optional<String> authorize(String authorization) {
        return credentials.user(authorization);
    }

    private Response refused() {
        String message = credentials.enabled() ? "a valid credential of cdc.router.api.users is required"
                : "the write API is off: set cdc.router.api.users";
        return Response.status(credentials.enabled() ? Response.Status.UNAUTHORIZED : Response.Status.FORBIDDEN)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"cdc-router\"")
                .entity(Json.mapper().createObjectNode().put("message", message)).build();
    }
}
