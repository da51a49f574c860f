package io.cdcflow.console.api;

import io.cdcflow.auth.BasicCredentials;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.config.KafkaClients;
import io.cdcflow.console.control.SinkPauses;
import io.cdcflow.console.pipeline.PipelineScraper;
import io.cdcflow.model.Json;
import io.cdcflow.model.SinkPause;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
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
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pipeline's controls, from one place: {@code POST /tables/{topic}/pause} ({@code ?reason=}) and
 * {@code /resume} stop and restart the routing of one table (the router's API, which every router instance follows
 * and which survives restarts), {@code POST /sources/{source}/snapshots} ({@code {"tables": [...]}}) starts an
 * incremental snapshot (capture-service's); {@code POST /sinks/{sink}/tables/{topic}/pause} ({@code ?reason=}) and
 * {@code /resume} stop and restart one sink applying one table (written to the sink control topic, which every
 * instance of the sink follows), {@code GET /sinks/paused} lists those pauses. Each action needs the console's
 * credential (passed on to the service it goes to), is logged and counted ({@code cdc.console.actions}); a forwarded
 * action's answer is the service's own.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {

    private static final Logger LOG = Logger.getLogger(ControlResource.class);

    private final ConsoleConfig config;
    private final BasicCredentials credentials;
    private final MeterRegistry meters;
    private final PipelineScraper scraper;
    private final SinkPauses sinkPauses;
    private final KafkaClients kafka;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    ControlResource(ConsoleConfig config, BasicCredentials credentials, MeterRegistry meters, PipelineScraper scraper,
                    SinkPauses sinkPauses, KafkaClients kafka) {
        this.config = config;
        this.credentials = credentials;
        this.meters = meters;
        this.scraper = scraper;
        this.sinkPauses = sinkPauses;
        this.kafka = kafka;
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

    /** The tables paused for a sink, every sink: {@code sink}, {@code topic}, {@code reason}, {@code by}, {@code since}. */
    @GET
    @Path("sinks/paused")
    public ObjectNode sinkPauses() {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("paused");
        for (SinkPause p : sinkPauses.all()) {
            list.addObject().put("sink", p.sink()).put("topic", p.topic()).put("reason", p.reason()).put("by", p.by())
                    .put("since", p.since().toString());
        }
        return out;
    }

    /** The same, one pause a line: sink, topic, since, by, reason. */
    @GET
    @Path("sinks/paused")
    @Produces(MediaType.TEXT_PLAIN)
    public String sinkPausesAsText() {
        StringBuilder out = new StringBuilder();
        for (SinkPause p : sinkPauses.all()) {
            out.append(String.join("\t", p.sink(), p.topic(), p.since().toString(), p.by(), p.reason())).append('\n');
        }
        return out.toString();
    }

    /**
     * Stops one sink applying one table (its validated topic, or the raw topic it is validated from), for every
     * instance of the sink and across restarts; the other tables and sinks go on. The table's changes wait in Kafka.
     */
    @POST
    @Path("sinks/{sink}/tables/{topic}/pause")
    public Response pauseSink(@PathParam("sink") String sink, @PathParam("topic") String topic,
                              @QueryParam("reason") @DefaultValue("paused from the console") String reason,
                              @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return sinkAction("pause-sink", authorization, sink, topic,
                (user, validated) -> sinkPauses.pause(new SinkPause(sink, validated, reason, user, Instant.now())));
    }

    /** Lets a sink apply a paused table again, from its first change not applied. */
    @POST
    @Path("sinks/{sink}/tables/{topic}/resume")
    public Response resumeSink(@PathParam("sink") String sink, @PathParam("topic") String topic,
                               @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return sinkAction("resume-sink", authorization, sink, topic, (user, validated) -> {
            if (sinkPauses.all().stream().noneMatch(p -> p.sink().equals(sink) && p.topic().equals(validated))) {
                throw new NotPaused(validated + " is not paused for " + sink);
            }
            sinkPauses.resume(sink, validated);
        });
    }

    private Response sinkAction(String action, String authorization, String sink, String topic,
                                java.util.function.BiConsumer<String, String> act) {
        Optional<String> user = credentials.user(authorization);
        if (user.isEmpty()) {
            return unauthorized(action);
        }
        if (!config.services().containsKey(sink) || sink.contains("|")) {
            meters.counter("cdc.console.actions", "action", action, "outcome", "refused").increment();
            return Response.status(Response.Status.NOT_FOUND).entity(Json.mapper().createObjectNode().put("message",
                    "no sink " + sink + " among cdc.console.services " + config.services().keySet())).build();
        }
        Optional<String> validated = validatedTopic(topic);
        if (validated.isEmpty()) {
            meters.counter("cdc.console.actions", "action", action, "outcome", "refused").increment();
            return Response.status(Response.Status.NOT_FOUND).entity(Json.mapper().createObjectNode().put("message",
                    "no topic " + topic + " (nor validated." + topic + ") in Kafka")).build();
        }
        try {
            act.accept(user.get(), validated.get());
        } catch (NotPaused e) {
            meters.counter("cdc.console.actions", "action", action, "outcome", "refused").increment();
            return Response.status(Response.Status.NOT_FOUND)
                    .entity(Json.mapper().createObjectNode().put("message", e.getMessage())).build();
        }
        meters.counter("cdc.console.actions", "action", action, "outcome", "done").increment();
        LOG.infof("%s: %s of %s for %s", user.get(), action, validated.get(), sink);
        scraper.scrapeNow();
        return Response.ok(sinkPauses()).build();
    }

    /**
     * The validated topic named: {@code validated.<topic>} when that exists (the operator named the table's raw
     * topic), else the topic as given when it exists (a validated topic, or one of another prefix).
     */
    private Optional<String> validatedTopic(String topic) {
        try (Admin admin = Admin.create(kafka.settings())) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return names.contains("validated." + topic) ? Optional.of("validated." + topic)
                    : names.contains(topic) ? Optional.of(topic) : Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not list its topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing Kafka's topics", e);
        }
    }

    /** A resume of a table that is not paused. */
    private static final class NotPaused extends RuntimeException {
        NotPaused(String message) {
            super(message);
        }
    }

    private Response unauthorized(String action) {
        meters.counter("cdc.console.actions", "action", action, "outcome", "unauthorized").increment();
        return Response.status(credentials.enabled() ? Response.Status.UNAUTHORIZED : Response.Status.FORBIDDEN)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"cdc-console\"")
                .entity(Json.mapper().createObjectNode().put("message", credentials.enabled()
                        ? "a valid credential of cdc.console.api.users is required"
                        : "the console is read-only: set cdc.console.api.users")).build();
    }

    private Response forward(String action, String authorization, String service, String path, String body, String what) {
        Optional<String> user = credentials.user(authorization);
        if (user.isEmpty()) {
            return unauthorized(action);
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
