package io.cdcflow.console.api;

import io.cdcflow.auth.BasicCredentials;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.pipeline.PipelineScraper;
import io.cdcflow.model.Json;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The pipeline's controls, from one place: {@code POST /tables/{topic}/pause} ({@code ?reason=}) and
 * {@code /resume} stop and restart the routing of one table (the router's API, which every router instance follows
 * and which survives restarts), {@code POST /sources/{source}/snapshots} ({@code {"tables": [...]}}) starts an
 * incremental snapshot (capture-service's). Each needs the console's credential, is passed on with it, logged and
 * counted ({@code cdc.console.actions}); the answer is the service's own.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    private static final Logger LOG = Logger.getLogger(ControlResource.class);

    private final ConsoleConfig config;
    private final BasicCredentials credentials;
    private final MeterRegistry meters;
    private final PipelineScraper scraper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    ControlResource(ConsoleConfig config, BasicCredentials credentials, MeterRegistry meters, PipelineScraper scraper) {
        this.config = config;
        this.credentials = credentials;
        this.meters = meters;
        this.scraper = scraper;
    }

    @POST
    @Path("tables/{topic}/pause")
    public Response pause(@PathParam("topic") String topic, @QueryParam("reason") @DefaultValue("paused from the console") String reason,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward("pause", authorization, "router-service", "/tables/" + enc(topic) + "/pause?reason=" + enc(reason),
                "", topic);
    }

    @POST
    @Path("tables/{topic}/resume")
    public Response resume(@PathParam("topic") String topic, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward("resume", authorization, "router-service", "/tables/" + enc(topic) + "/resume", "", topic);
    }

    @POST
    @Path("sources/{source}/snapshots")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response snapshot(@PathParam("source") String source, String body,
                             @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return forward("snapshot", authorization, "capture-service", "/sources/" + enc(source) + "/snapshots",
                body == null ? "{}" : body, source);
    }

    private Response forward(String action, String authorization, String service, String path, String body, String what) {
        Optional<String> user = credentials.user(authorization);
        if (user.isEmpty()) {
            meters.counter("cdc.console.actions", "action", action, "outcome", "unauthorized").increment();
            return Response.status(credentials.enabled() ? Response.Status.UNAUTHORIZED : Response.Status.FORBIDDEN)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"cdc-console\"")
                    .entity(Json.mapper().createObjectNode().put("message", credentials.enabled()
                            ? "a valid credential of cdc.console.api.users is required"
                            : "the console is read-only: set cdc.console.api.users")).build();
        }
        String base = config.services().get(service);
        if (base == null) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Json.mapper().createObjectNode()
                    .put("message", service + " is not among cdc.console.services")).build();
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json").header(HttpHeaders.AUTHORIZATION, authorization)
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean ok = r.statusCode() / 100 == 2;
            meters.counter("cdc.console.actions", "action", action, "outcome", ok ? "done" : "refused").increment();
            LOG.infof("%s: %s of %s through %s: HTTP %d", user.get(), action, what, service, r.statusCode());
            if (ok) {
                scraper.scrapeNow(); // the page, reloaded after the action, shows its effect
            }
            return Response.status(r.statusCode()).type(MediaType.APPLICATION_JSON).entity(r.body()).build();
        } catch (IOException e) {
            meters.counter("cdc.console.actions", "action", action, "outcome", "unreachable").increment();
            return Response.status(Response.Status.BAD_GATEWAY).entity(Json.mapper().createObjectNode()
                    .put("message", service + " at " + base + " did not answer: " + e.getMessage())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).build();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
