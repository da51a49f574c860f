package io.cdcflow.search.config;

import io.cdcflow.search.index.IndexNames;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Refuses to start on a configuration that cannot work, naming each bad {@code cdc.sink.*} property. */
@ApplicationScoped
public class SearchSinkConfigValidator {

    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, SearchSinkConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid search-sink configuration: " + String.join("; ", problems));
        }
    }

    /** Every problem found, each starting with the property's name; empty when the configuration is usable. */
    public static List<String> problems(SearchSinkConfig c) {
        List<String> p = new ArrayList<>();
        checkUrl(p, "cdc.sink.opensearch.url", c.opensearch().url());
        checkUrl(p, "cdc.sink.registry-url", c.registryUrl());
        try {
            Pattern.compile(c.topicsPattern());
        } catch (PatternSyntaxException e) {
            p.add("cdc.sink.topics-pattern: not a regular expression: " + e.getDescription());
        }
        if (!KAFKA_TOPIC.matcher(c.deadLetterTopic()).matches()) {
            p.add("cdc.sink.dead-letter-topic: '" + c.deadLetterTopic() + "' is not a valid Kafka topic name");
        }
        SearchSinkConfig.Index index = c.index();
        IndexNames.problem(index.prefix()).ifPresent(m -> p.add("cdc.sink.index.prefix: " + m));
        if (index.liveAliasSuffix().isEmpty()) {
            p.add("cdc.sink.index.live-alias-suffix: must not be empty (the alias must differ from the index)");
        } else {
            IndexNames.problem("x" + index.liveAliasSuffix())
                    .ifPresent(m -> p.add("cdc.sink.index.live-alias-suffix: " + m));
        }
        index.names().forEach((table, name) -> {
            IndexNames.problem(name).or(() -> IndexNames.problem(name + index.liveAliasSuffix()))
                    .ifPresent(m -> p.add("cdc.sink.index.names.\"" + table + "\": " + m));
        });
        if (index.shards() < 1) {
            p.add("cdc.sink.index.shards: must be at least 1");
        }
        if (index.replicas() < 0) {
            p.add("cdc.sink.index.replicas: must not be negative");
        }
        SearchSinkConfig.Retry r = c.retry();
        if (r.initialBackoff().isNegative() || r.initialBackoff().isZero()) {
            p.add("cdc.sink.retry.initial-backoff: must be positive");
        }
        if (r.maxBackoff().compareTo(r.initialBackoff()) < 0) {
            p.add("cdc.sink.retry.max-backoff: must not be shorter than cdc.sink.retry.initial-backoff");
        }
        if (c.bulk().maxActions() < 1) {
            p.add("cdc.sink.bulk.max-actions: must be at least 1");
        }
        if (c.bulk().maxBytes() < 1) {
            p.add("cdc.sink.bulk.max-bytes: must be at least 1");
        }
        return p;
    }

    private static void checkUrl(List<String> p, String property, String value) {
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                p.add(property + ": '" + value + "' is not an http(s)://host[:port] URL");
            }
        } catch (IllegalArgumentException e) {
            p.add(property + ": '" + value + "' is not a URL: " + e.getMessage());
        }
    }
}
