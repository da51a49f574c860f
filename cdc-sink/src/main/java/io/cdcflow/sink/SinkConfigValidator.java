package io.cdcflow.sink;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Refuses to start on a {@code cdc.sink.*} configuration that cannot work, naming each bad property. */
@ApplicationScoped
public class SinkConfigValidator {

    private static final Pattern KAFKA_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, SinkConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid sink configuration: " + String.join("; ", problems));
        }
    }

    /** Every problem found, each starting with the property's name; empty when the configuration is usable. */
    public static List<String> problems(SinkConfig c) {
        List<String> p = new ArrayList<>();
        if (!KAFKA_NAME.matcher(c.name()).matches()) {
            p.add("cdc.sink.name: '" + c.name() + "' is not usable as a Kafka consumer group (letters, digits, . _ -)");
        }
        try {
            Pattern.compile(c.topicsPattern());
        } catch (PatternSyntaxException e) {
            p.add("cdc.sink.topics-pattern: not a regular expression: " + e.getDescription());
        }
        if (!KAFKA_NAME.matcher(c.deadLetterTopic()).matches()) {
            p.add("cdc.sink.dead-letter-topic: '" + c.deadLetterTopic() + "' is not a valid Kafka topic name");
        }
        if (!positive(c.retry().initialBackoff())) {
            p.add("cdc.sink.retry.initial-backoff: must be positive");
        }
        if (c.retry().maxBackoff().compareTo(c.retry().initialBackoff()) < 0) {
            p.add("cdc.sink.retry.max-backoff: must not be shorter than cdc.sink.retry.initial-backoff");
        }
        c.registry().url().ifPresent(u -> {
            try {
                URI url = URI.create(u);
                if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
                    p.add("cdc.sink.registry.url: must be an http(s) URL, was '" + u + "'");
                }
            } catch (IllegalArgumentException e) {
                p.add("cdc.sink.registry.url: not a URL: " + e.getMessage());
            }
        });
        if (!positive(c.registry().timeout())) {
            p.add("cdc.sink.registry.timeout: must be positive");
        }
        return p;
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
