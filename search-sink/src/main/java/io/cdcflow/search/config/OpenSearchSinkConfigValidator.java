package io.cdcflow.search.config;

import io.cdcflow.search.index.IndexMappings;
import io.cdcflow.search.index.IndexNames;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Refuses to start on an OpenSearch configuration that cannot work, naming each bad {@code cdc.sink.opensearch.*} property. */
@ApplicationScoped
public class OpenSearchSinkConfigValidator {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, OpenSearchSinkConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid OpenSearch configuration: " + String.join("; ", problems));
        }
    }

    /** Every problem found, each starting with the property's name; empty when the configuration is usable. */
    public static List<String> problems(OpenSearchSinkConfig c) {
        List<String> p = new ArrayList<>();
        checkUrl(p, "cdc.sink.opensearch.url", c.url());
        OpenSearchSinkConfig.Index index = c.index();
        IndexNames.problem(index.prefix()).ifPresent(m -> p.add("cdc.sink.opensearch.index.prefix: " + m));
        if (index.liveAliasSuffix().isEmpty()) {
            p.add("cdc.sink.opensearch.index.live-alias-suffix: must not be empty (the alias must differ from the index)");
        } else {
            IndexNames.problem("x" + index.liveAliasSuffix())
                    .ifPresent(m -> p.add("cdc.sink.opensearch.index.live-alias-suffix: " + m));
        }
        index.names().forEach((table, name) -> {
            IndexNames.problem(name).or(() -> IndexNames.problem(name + index.liveAliasSuffix()))
                    .ifPresent(m -> p.add("cdc.sink.opensearch.index.names.\"" + table + "\": " + m));
        });
        if (index.shards() < 1) {
            p.add("cdc.sink.opensearch.index.shards: must be at least 1");
        }
        if (index.replicas() < 0) {
            p.add("cdc.sink.opensearch.index.replicas: must not be negative");
        }
        if (!IndexMappings.isRefreshInterval(index.refreshInterval())) {
            p.add("cdc.sink.opensearch.index.refresh-interval: '" + index.refreshInterval()
                    + "' is neither a positive time value (500ms, 5s, 1m) nor 'default'");
        }
        if (c.bulk().maxActions() < 1) {
            p.add("cdc.sink.opensearch.bulk.max-actions: must be at least 1");
        }
        if (c.bulk().maxBytes() < 1) {
            p.add("cdc.sink.opensearch.bulk.max-bytes: must be at least 1");
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
