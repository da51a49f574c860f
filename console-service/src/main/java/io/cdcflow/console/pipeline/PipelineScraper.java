package io.cdcflow.console.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.console.config.ConsoleConfig;
import io.cdcflow.console.config.KafkaClients;
import io.cdcflow.model.Json;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the pipeline every {@code cdc.console.scrape-interval}: each service's {@code /q/health/ready} and
 * {@code /q/metrics} ({@code cdc.console.services}), the router's {@code /tables}, and every consumer group's lag
 * from Kafka; keeps the last 15 minutes of rounds ({@link #history}) for rates and charts. Started at start-up on a
 * thread of its own, stopped at shutdown; a service that does not answer is shown as not running, never an error.
 */
@ApplicationScoped
public class PipelineScraper {

    private static final Logger LOG = Logger.getLogger(PipelineScraper.class);
    private static final Duration KEPT = Duration.ofMinutes(15);

    private final ConsoleConfig config;
    private final KafkaClients clients;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Deque<Scrape> history = new ArrayDeque<>();
    private ScheduledExecutorService timer;

    PipelineScraper(ConsoleConfig config, KafkaClients clients) {
        this.config = config;
        this.clients = clients;
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("console-scrape").factory());
        timer.scheduleWithFixedDelay(this::scrapeSafely, 0, config.scrapeInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The rounds of the last 15 minutes, oldest first. */
    public synchronized List<Scrape> history() {
        return new ArrayList<>(history);
    }

    /** Reads the pipeline now (the page does, when the last round is older than the interval). */
    public Scrape scrapeNow() {
        Scrape s = scrape();
        synchronized (this) {
            history.addLast(s);
            while (!history.isEmpty() && history.peekFirst().at().isBefore(s.at().minus(KEPT))) {
                history.removeFirst();
            }
        }
        return s;
    }

    private void scrapeSafely() {
        try {
            scrapeNow();
        } catch (RuntimeException e) {
            LOG.warnf(e, "reading the pipeline failed; next round in %s", config.scrapeInterval());
        }
    }

    private Scrape scrape() {
        Map<String, Double> captured = new TreeMap<>();
        Map<String, Double> routed = new TreeMap<>();
        Map<String, Map<String, Double>> applied = new TreeMap<>();
        Map<String, Map<String, TreeMap<Double, Double>>> lag = new TreeMap<>();
        Map<String, Double> slotLag = new TreeMap<>();
        Map<String, Scrape.ServiceHealth> health = new TreeMap<>();
        for (Map.Entry<String, String> service : config.services().entrySet()) {
            health.put(service.getKey(), health(service.getValue()));
            String metrics = get(service.getValue() + "/q/metrics", "text/plain");
            if (metrics == null) {
                continue;
            }
            for (PromText.Sample s : PromText.parse(metrics)) {
                switch (s.name()) {
                    case "cdc_capture_events_total" ->
                            captured.merge(s.label("source") + "." + s.label("table"), s.value(), Double::sum);
                    case "cdc_router_routed_total" -> routed.merge(s.label("topic"), s.value(), Double::sum);
                    case "cdc_sink_applied_total" -> applied.computeIfAbsent(s.label("sink"), k -> new TreeMap<>())
                            .merge(s.label("table"), s.value(), Double::sum);
                    case "cdc_sink_lag_seconds_bucket" -> lag.computeIfAbsent(s.label("sink"), k -> new TreeMap<>())
                            .computeIfAbsent(s.label("table"), k -> new TreeMap<>())
                            .merge(le(s.label("le")), s.value(), Double::sum);
                    case "cdc_capture_slot_lag_bytes" -> slotLag.put(s.label("source"), s.value());
                    default -> {
                    }
                }
            }
        }
        return new Scrape(Instant.now(), captured, routed, applied, lag, slotLag, health, tables(), consumerLag());
    }

    private static double le(String text) {
        return text.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    private Scrape.ServiceHealth health(String base) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> data = new TreeMap<>();
            JsonNode body = Json.mapper().readTree(r.body());
            for (JsonNode check : body.path("checks")) {
                check.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
                if (!"UP".equals(check.path("status").asText())) {
                    data.putIfAbsent(check.path("name").asText(), "DOWN");
                }
            }
            return new Scrape.ServiceHealth(r.statusCode() == 200 ? "UP" : "DOWN", data);
        } catch (IOException e) {
            return new Scrape.ServiceHealth("NOT RUNNING", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape.ServiceHealth("NOT RUNNING", Map.of());
        }
    }

    /** The router's tables (schema version, policy, pause). */
    private Map<String, Scrape.TableState> tables() {
        Map<String, Scrape.TableState> out = new TreeMap<>();
        String router = config.services().get("router-service");
        String body = router == null ? null : get(router + "/tables", "application/json");
        if (body == null) {
            return out;
        }
        try {
            for (JsonNode t : Json.mapper().readTree(body).path("tables")) {
                out.put(t.path("topic").asText(), new Scrape.TableState(t.path("version").asText("-"),
                        t.path("schemaId").asText("-"), t.path("policy").asText(), t.path("paused").asBoolean(),
                        t.path("reason").asText("")));
            }
        } catch (IOException e) {
            LOG.debugf(e, "unreadable /tables of the router");
        }
        return out;
    }

    /** Records behind the log end per consumer group, summed over its partitions. */
    private Map<String, Long> consumerLag() {
        Map<String, Long> out = new TreeMap<>();
        try (Admin admin = Admin.create(clients.settings())) {
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.forEach((tp, o) -> {
                    if (o != null) {
                        latest.put(tp, OffsetSpec.latest());
                    }
                });
                if (latest.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                        .get(10, TimeUnit.SECONDS);
                long behind = 0;
                for (var e : ends.entrySet()) {
                    behind += Math.max(0, e.getValue().offset() - committed.get(e.getKey()).offset());
                }
                out.put(g.groupId(), behind);
            }
        } catch (Exception e) {
            LOG.debugf(e, "cannot read the consumer groups' lag");
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    private String get(String url, String accept) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
