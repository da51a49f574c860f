package io.cdcflow.console.api;

import io.cdcflow.auth.BasicCredentials;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.dlq.DeadLetterFilter;
import io.cdcflow.console.dlq.DeadLetterReader;
import io.cdcflow.console.dlq.DeadLetterRecord;
import io.cdcflow.console.dlq.DlqDecisions;
import io.cdcflow.console.dlq.Redriver;
import io.cdcflow.model.Json;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dead letters: {@code GET /dlq} lists them (filters {@code reason}, {@code service}, {@code topic}, {@code table},
 * {@code since}, {@code until}; counts by reason and table, the newest records, each with the decision on it),
 * {@code GET /dlq/{id}} shows one decoded; {@code POST /dlq/redrive} sends the ones named ({@code {"ids": [...]}}) or
 * matching a filter ({@code {"filter": {...}}}, an empty one only with {@code "all": true}) back to their topics,
 * refusing those whose redrive count reached the cap; {@code POST /dlq/skip} ({@code {"ids": [...], "why": "..."}})
 * marks records as dropped on purpose. Actions need a credential of {@code cdc.console.api.users}, are logged and
 * counted ({@code cdc.console.actions}); none deletes a dead letter.
 */
@Path("/dlq")
@Produces(MediaType.APPLICATION_JSON)
public class DlqResource {

    private static final Logger LOG = Logger.getLogger(DlqResource.class);

    private final ConsoleConfig config;
    private final DeadLetterReader reader;
    private final DlqDecisions decisions;
    private final Redriver redriver;
    private final BasicCredentials credentials;
    private final MeterRegistry meters;

    DlqResource(ConsoleConfig config, DeadLetterReader reader, DlqDecisions decisions, Redriver redriver,
                BasicCredentials credentials, MeterRegistry meters) {
        this.config = config;
        this.reader = reader;
        this.decisions = decisions;
        this.redriver = redriver;
        this.credentials = credentials;
        this.meters = meters;
    }

    @GET
    public Response list(@QueryParam("reason") String reason, @QueryParam("service") String service,
                         @QueryParam("topic") String topic, @QueryParam("table") String table,
                         @QueryParam("since") String since, @QueryParam("until") String until) {
        DeadLetterFilter filter;
        try {
            filter = new DeadLetterFilter(blank(reason), blank(service), blank(topic), blank(table), instant("since", since),
                    instant("until", until));
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        List<DeadLetterRecord> matching = reader.matching(filter);
        Map<String, ObjectNode> decided = decisions.all();
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("topic", config.dlqTopic()).put("total", matching.size())
                .put("handled", matching.stream().filter(r -> decided.containsKey(r.id())).count());
        Map<String, Long> counts = new TreeMap<>();
        matching.forEach(r -> counts.merge(r.origin().reason() + "\u0000" + r.table(), 1L, Long::sum));
        ArrayNode groups = out.putArray("counts");
        counts.forEach((k, n) -> {
            String[] parts = k.split("\u0000", 2);
            groups.addObject().put("reason", parts[0]).put("table", parts[1]).put("count", n);
        });
        ArrayNode letters = out.putArray("letters");
        matching.stream().sorted(Comparator.comparing(DeadLetterRecord::timestamp).reversed()
                        .thenComparingLong(DeadLetterRecord::offset)).limit(config.listLimit())
                .forEach(r -> letters.add(summary(r, decided.get(r.id()))));
        return Response.ok(out).build();
    }

    /** The same list as text: the counts by reason and table, then one dead letter a line (newest first). */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response listAsText(@QueryParam("reason") String reason, @QueryParam("service") String service,
                               @QueryParam("topic") String topic, @QueryParam("table") String table,
                               @QueryParam("since") String since, @QueryParam("until") String until) {
        Response json = list(reason, service, topic, table, since, until);
        if (json.getStatus() != 200) {
            return Response.status(json.getStatus()).type(MediaType.TEXT_PLAIN)
                    .entity(((ObjectNode) json.getEntity()).path("message").asText() + "\n").build();
        }
        ObjectNode out = (ObjectNode) json.getEntity();
        StringBuilder text = new StringBuilder();
        text.append(String.format("%d dead letter(s) in %s, %d handled%n", out.path("total").asLong(),
                out.path("topic").asText(), out.path("handled").asLong()));
        for (JsonNode c : out.path("counts")) {
            text.append(String.format("  %6d  %-24s %s%n", c.path("count").asLong(), c.path("reason").asText(),
                    c.path("table").asText()));
        }
        if (!out.path("letters").isEmpty()) {
            text.append(String.format("%nID          DEAD-LETTERED AT          REASON                   SERVICE          "
                    + "REDRIVES  DECISION   FROM%n"));
        }
        for (JsonNode l : out.path("letters")) {
            JsonNode d = l.path("decision");
            text.append(String.format("%-11s %-25s %-24s %-16s %8d  %-10s %s/%d/%d  %s%n", l.path("id").asText(),
                    l.path("at").asText(), l.path("reason").asText(), l.path("service").asText(),
                    l.path("redrive_count").asInt(), d.isNull() ? "-" : d.path("action").asText(),
                    l.path("topic").asText(), l.path("partition").asInt(), l.path("offset").asLong(),
                    l.path("message").asText()));
        }
        return Response.ok(text.toString(), MediaType.TEXT_PLAIN).build();
    }

    @GET
    @Path("{id}")
    public Response show(@PathParam("id") String id) {
        Optional<DeadLetterRecord> found = reader.byId(id);
        if (found.isEmpty()) {
            return error(Response.Status.NOT_FOUND, "no dead letter " + id + " in " + config.dlqTopic()
                    + " (ids are <partition>-<offset>; expired records are gone)");
        }
        DeadLetterRecord r = found.get();
        ObjectNode out = summary(r, decisions.all().get(id));
        decoded(out, "value", r.value());
        ObjectNode headers = out.putObject("headers");
        r.headers().forEach(headers::put);
        return Response.ok(out).build();
    }

    @POST
    @Path("redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response redrive(JsonNode body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<String> user = credentials.user(authorization);
        if (user.isEmpty()) {
            return refused("redrive");
        }
        List<DeadLetterRecord> chosen = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try {
            select(body, chosen, missing);
        } catch (IllegalArgumentException e) {
            count("redrive", "refused");
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode sent = out.putArray("redriven");
        ArrayNode capped = out.putArray("capped");
        Instant now = Instant.now();
        for (DeadLetterRecord r : chosen) {
            if (r.redriveCount() >= config.redriveCap()) {
                capped.addObject().put("id", r.id()).put("redrive_count", r.redriveCount());
                count("redrive", "capped");
                continue;
            }
            Redriver.Sent s = redriver.redrive(r, now);
            decisions.record(r.id(), Json.mapper().createObjectNode().put("action", "redriven").put("by", user.get())
                    .put("at", now.toString()).put("to", s.topic() + "/" + s.partition() + "/" + s.offset())
                    .put("count", s.count()));
            sent.addObject().put("id", r.id()).put("topic", s.topic()).put("partition", s.partition())
                    .put("offset", s.offset()).put("redrive_count", s.count());
            count("redrive", "done");
        }
        missing.forEach(out.putArray("missing")::add);
        LOG.infof("%s redrove %d dead letter(s) (%d refused at the cap of %d, %d not found)", user.get(), sent.size(),
                capped.size(), config.redriveCap(), missing.size());
        return Response.ok(out).build();
    }

    @POST
    @Path("skip")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response skip(JsonNode body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<String> user = credentials.user(authorization);
        if (user.isEmpty()) {
            return refused("skip");
        }
        String why = body == null ? "" : body.path("why").asText("").strip();
        if (why.isEmpty() || body.path("ids").isEmpty()) {
            count("skip", "refused");
            return error(Response.Status.BAD_REQUEST, "a skip names the dead letters ({\"ids\": [...]}) and why ({\"why\": \"...\"})");
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode skipped = out.putArray("skipped");
        ArrayNode missing = out.putArray("missing");
        Instant now = Instant.now();
        for (JsonNode idNode : body.path("ids")) {
            String id = idNode.asText();
            if (reader.byId(id).isEmpty()) {
                missing.add(id);
                continue;
            }
            decisions.record(id, Json.mapper().createObjectNode().put("action", "skipped").put("by", user.get())
                    .put("why", why).put("at", now.toString()));
            skipped.add(id);
            count("skip", "done");
        }
        LOG.infof("%s skipped %d dead letter(s): %s", user.get(), skipped.size(), why);
        return Response.ok(out).build();
    }

    /** The records a redrive names by id, or those its filter matches. */
    private void select(JsonNode body, List<DeadLetterRecord> chosen, List<String> missing) {
        if (body != null && body.has("ids")) {
            for (JsonNode id : body.path("ids")) {
                reader.byId(id.asText()).ifPresentOrElse(chosen::add, () -> missing.add(id.asText()));
            }
            return;
        }
        JsonNode f = body == null ? null : body.get("filter");
        if (f == null) {
            throw new IllegalArgumentException("a redrive names the dead letters ({\"ids\": [...]}) or a filter "
                    + "({\"filter\": {\"reason\": ..., \"table\": ...}})");
        }
        DeadLetterFilter filter = new DeadLetterFilter(text(f, "reason"), text(f, "service"), text(f, "topic"),
                text(f, "table"), instant("since", text(f, "since")), instant("until", text(f, "until")));
        if (filter.isEmpty() && !body.path("all").asBoolean(false)) {
            throw new IllegalArgumentException("an empty filter redrives every dead letter: say so with \"all\": true");
        }
        chosen.addAll(reader.matching(filter));
    }

    private static ObjectNode summary(DeadLetterRecord r, ObjectNode decision) {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("id", r.id()).put("at", r.timestamp().toString()).put("reason", r.origin().reason())
                .put("message", r.origin().message()).put("service", r.origin().service())
                .put("topic", r.origin().topic()).put("partition", r.origin().partition())
                .put("offset", r.origin().offset()).put("table", r.table()).put("redrive_count", r.redriveCount());
        decoded(s, "key", r.key());
        if (decision != null) {
            s.set("decision", decision);
        } else {
            s.putNull("decision");
        }
        return s;
    }

    /** A value as JSON when it parses, else as text when it is UTF-8, else as base64 ({@code <name>_base64}). */
    private static void decoded(ObjectNode out, String name, byte[] bytes) {
        if (bytes == null) {
            out.putNull(name);
            return;
        }
        java.util.OptionalInt framed = io.cdcflow.model.WireFormat.schemaId(bytes);
        if (framed.isPresent()) {
            // The Confluent wire format: the schema id, then JSON text or Avro binary (shown as base64).
            out.put(name + "_schema_id", framed.getAsInt());
            bytes = io.cdcflow.model.WireFormat.payload(bytes);
        }
        try {
            out.set(name, Json.mapper().readTree(bytes));
            return;
        } catch (IOException e) {
            // not JSON
        }
        try {
            out.put(name, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            out.put(name + "_base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? blank(node.get(field).asText()) : null;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-12-05T10:00:00Z, not '"
                    + value + "'");
        }
    }

    private void count(String action, String outcome) {
        meters.counter("cdc.console.actions", "action", action, "outcome", outcome).increment();
    }

    private Response refused(String action) {
        count(action, "unauthorized");
        String message = credentials.enabled() ? "a valid credential of cdc.console.api.users is required"
                : "the console is read-only: set cdc.console.api.users";
        return Response.status(credentials.enabled() ? Response.Status.UNAUTHORIZED : Response.Status.FORBIDDEN)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"cdc-console\"")
                .entity(Json.mapper().createObjectNode().put("message", message)).build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Json.mapper().createObjectNode().put("message", message)).build();
    }
}
