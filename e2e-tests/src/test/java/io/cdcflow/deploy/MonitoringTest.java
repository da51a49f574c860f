package io.cdcflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard and the Prometheus alert rules name must be one the services export: the
 * list comes from k8s/monitoring/exported-metrics.txt, captured from the running services' /q/metrics by
 * {@code bin/cdcflow metrics-snapshot}. The exceptions are listed below, each with its reason.
 */
class MonitoringTest {

    private static final Path MONITORING = Repository.root().resolve("k8s/monitoring");

    /** Series Prometheus itself records for every target. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    /**
     * Names the services do export but that a snapshot of a healthy run lacks: Micrometer registers these
     * counters on their first increment (a failure), so they exist only after one. The value is the Micrometer
     * name that must appear in the service's sources, and the reason.
     */
    private static final Map<String, String[]> NOT_IN_SNAPSHOT = Map.of(
            "cdc_capture_errors_total", new String[] {"capture-service", "cdc.capture.errors",
                "counted when a source fails; registered at the first failure"},
            "cdc_router_registry_errors_total", new String[] {"router-service", "cdc.router.registry.errors",
                "counted when the registry cannot be reached; registered at the first failure"});

    /** What the issue asks every deployment to be able to watch; each must be exported (or listed above). */
    private static final List<String> REQUIRED = List.of(
            "cdc_capture_events_total", "cdc_capture_lag_seconds_bucket", "cdc_capture_errors_total",
            "cdc_capture_source_up", "cdc_capture_slot_lag_bytes",
            "cdc_router_routed_total", "cdc_router_dead_lettered_total", "cdc_router_schemas_registered_total",
            "cdc_router_lag_seconds_bucket", "cdc_router_registry_errors_total", "cdc_router_skipped_total",
            "cdc_router_outbox_routed_total",
            "cdc_sink_applied_total", "cdc_sink_skipped_stale_total", "cdc_sink_dead_lettered_total",
            "cdc_sink_errors_total", "cdc_sink_lag_seconds_bucket",
            "kafka_consumer_fetch_manager_records_lag", "kafka_consumer_fetch_manager_records_lag_max");

    @Test
    void dashboardNamesOnlyExportedMetrics() {
        Map<String, List<String>> used = new TreeMap<>();
        JsonNode dashboard = readJson(MONITORING.resolve("dashboard.json"));
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                record(used, target.path("expr").asText(), "panel '" + panel.path("title").asText() + "'");
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                record(used, variable.path("query").asText(), "variable " + variable.path("name").asText());
            }
        }
        assertThat(dashboard.path("panels").size()).as("dashboard panels").isGreaterThanOrEqualTo(8);
        assertKnown(used, "dashboard.json");
        assertThat(used.keySet()).as("the dashboard shows lag, throughput, consumer lag and dead letters")
                .contains("cdc_sink_lag_seconds_bucket", "cdc_capture_events_total", "cdc_router_routed_total",
                        "cdc_sink_applied_total", "kafka_consumer_fetch_manager_records_lag",
                        "cdc_router_dead_lettered_total", "cdc_sink_dead_lettered_total", "cdc_capture_slot_lag_bytes");
    }

    @Test
    void alertRulesNameOnlyExportedMetrics() {
        Map<String, List<String>> used = new TreeMap<>();
        List<String> alerts = new ArrayList<>();
        for (JsonNode doc : Kustomize.readAll(MONITORING.resolve("alerts.yaml"))) {
            for (JsonNode group : doc.path("spec").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String name = rule.path("alert").asText();
                    assertThat(rule.path("expr").asText()).as("alert %s expr", name).isNotBlank();
                    assertThat(rule.path("labels").path("severity").asText()).as("alert %s severity", name).isNotBlank();
                    assertThat(rule.path("annotations").path("summary").asText()).as("alert %s summary", name).isNotBlank();
                    alerts.add(name);
                    record(used, rule.path("expr").asText(), "alert " + name);
                }
            }
        }
        assertKnown(used, "alerts.yaml");
        assertThat(used.keySet()).as("alerts on slot lag, consumer lag, DLQ growth, a service down, sink errors")
                .contains("cdc_capture_slot_lag_bytes", "kafka_consumer_fetch_manager_records_lag",
                        "cdc_router_dead_lettered_total", "cdc_sink_dead_lettered_total", "up", "cdc_sink_errors_total");
        assertThat(alerts).doesNotHaveDuplicates();
    }

    @Test
    void servicesExportWhatTheIssueAsksFor() {
        Map<String, Set<String>> exported = exported();
        for (String name : REQUIRED) {
            if (NOT_IN_SNAPSHOT.containsKey(name)) {
                continue;
            }
            assertThat(exported).as("exported metric %s (regenerate with bin/cdcflow metrics-snapshot)", name).containsKey(name);
        }
        assertThat(exported.get("cdc_sink_applied_total")).as("every sink exports cdc_sink_applied_total")
                .contains("warehouse-sink", "cache-sink", "search-sink");
        assertThat(exported.get("cdc_sink_lag_seconds_bucket")).as("every sink exports the lag histogram")
                .contains("warehouse-sink", "cache-sink", "search-sink");
    }

    @Test
    void exceptionsAreRealMeterNamesOfTheirService() {
        NOT_IN_SNAPSHOT.forEach((name, why) -> {
            String sources = String.join("\n", javaSources(why[0]));
            assertThat(sources).as("%s registers %s (%s)", why[0], why[1], why[2]).contains("\"" + why[1] + "\"");
            assertThat(exported()).as("%s is in the snapshot now: drop it from NOT_IN_SNAPSHOT", name).doesNotContainKey(name);
        });
    }

    private static void assertKnown(Map<String, List<String>> used, String file) {
        Set<String> known = new TreeSet<>(exported().keySet());
        known.addAll(PROMETHEUS_OWN);
        known.addAll(NOT_IN_SNAPSHOT.keySet());
        assertThat(used).as("%s uses metrics", file).isNotEmpty();
        Map<String, List<String>> unknown = new TreeMap<>(used);
        unknown.keySet().removeAll(known);
        assertThat(unknown).as("%s names metrics no service exports (name -> where)", file).isEmpty();
    }

    private static void record(Map<String, List<String>> used, String expr, String where) {
        assertThat(expr).as("%s has an expression", where).isNotBlank();
        PromQl.metricNames(expr).forEach(n -> used.computeIfAbsent(n, k -> new ArrayList<>()).add(where));
    }

    /** The snapshot: metric name -> the services that export it. */
    static Map<String, Set<String>> exported() {
        Map<String, Set<String>> out = new HashMap<>();
        for (String line : Repository.read(MONITORING.resolve("exported-metrics.txt")).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            out.put(f[0], new TreeSet<>(List.of(f).subList(1, f.length)));
        }
        return out;
    }

    private static List<String> javaSources(String module) {
        try (var files = java.nio.file.Files.walk(Repository.root().resolve(module).resolve("src/main/java"))) {
            return files.filter(p -> p.toString().endsWith(".java")).map(Repository::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
