package io.cdcflow.console.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one round of reading the services gave: per table (its raw topic, {@code source.schema.table}) the counters
 * of changes captured, routed and applied per sink, the sinks' lag histograms (bucket upper bound in seconds to
 * cumulative count), the sources' slot lag, each service's readiness, the router's table states and each consumer
 * group's lag.
 */
public record Scrape(Instant at,
              Map<String, Double> captured,
              Map<String, Double> routed,
              Map<String, Map<String, Double>> applied,
              Map<String, Map<String, TreeMap<Double, Double>>> lagBuckets,
              Map<String, Double> slotLagBytes,
              Map<String, ServiceHealth> health,
              Map<String, TableState> tables,
              Map<String, Long> consumerLag) {

    /** A service's readiness: UP, DOWN (with the failing checks' data) or NOT RUNNING. */
    public record ServiceHealth(String state, Map<String, String> data) {
    }

    /** The router's view of a table: its value schema version and id, schema-change policy, pause and why. */
    public record TableState(String version, String schemaId, String policy, boolean paused, String reason) {
    }
}
