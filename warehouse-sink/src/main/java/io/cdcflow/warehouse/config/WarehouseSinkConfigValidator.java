package io.cdcflow.warehouse.config;

import io.cdcflow.warehouse.write.Identifiers;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Fails the start-up when a {@code cdc.sink.*} property is unusable, naming the property and why, so that a bad
 * setting is seen at once rather than as a stream of dead letters or a sink that never writes.
 */
@Startup
@ApplicationScoped
public class WarehouseSinkConfigValidator {

    private final WarehouseSinkConfig config;

    WarehouseSinkConfigValidator(WarehouseSinkConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid warehouse-sink configuration: " + String.join("; ", problems));
        }
    }

    /** Every problem of a configuration, each naming its property; empty when it is usable. */
    public static List<String> problems(WarehouseSinkConfig c) {
        List<String> problems = new ArrayList<>();
        if (c.name().isBlank()) {
            problems.add("cdc.sink.name must not be blank");
        }
        try {
            Pattern.compile(c.topicsPattern());
        } catch (PatternSyntaxException e) {
            problems.add("cdc.sink.topics-pattern is not a regular expression: " + e.getDescription());
        }
        if (c.deadLetterTopic().isBlank() || !c.deadLetterTopic().matches("[A-Za-z0-9._-]{1,249}")) {
            problems.add("cdc.sink.dead-letter-topic '" + c.deadLetterTopic() + "' is not a valid Kafka topic name");
        }
        try {
            URI uri = URI.create(c.registryUrl());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                problems.add("cdc.sink.registry-url '" + c.registryUrl() + "' must be an http(s) URL with a host");
            }
        } catch (IllegalArgumentException e) {
            problems.add("cdc.sink.registry-url '" + c.registryUrl() + "' is not a URL: " + e.getMessage());
        }
        positive(problems, "cdc.sink.registry-timeout", c.registryTimeout());
        positive(problems, "cdc.sink.retry-initial-backoff", c.retryInitialBackoff());
        positive(problems, "cdc.sink.retry-max-backoff", c.retryMaxBackoff());
        if (c.retryMaxBackoff().compareTo(c.retryInitialBackoff()) < 0) {
            problems.add("cdc.sink.retry-max-backoff must not be shorter than cdc.sink.retry-initial-backoff");
        }
        Identifiers.problem(c.historySuffix(), 20)
                .ifPresent(p -> problems.add("cdc.sink.history-suffix " + p));
        if (c.historySuffix().isEmpty()) {
            problems.add("cdc.sink.history-suffix must not be empty (the history table would be the current table)");
        }
        c.schemaPrefix().flatMap(p -> Identifiers.problem(p, 30))
                .ifPresent(p -> problems.add("cdc.sink.schema-prefix " + p));
        Identifiers.problem(c.metaSchema(), Identifiers.MAX_BYTES)
                .ifPresent(p -> problems.add("cdc.sink.meta-schema " + p));
        return problems;
    }

    private static void positive(List<String> problems, String property, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problems.add(property + " must be positive, not " + d);
        }
    }
}
