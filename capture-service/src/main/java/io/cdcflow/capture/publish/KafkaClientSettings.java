package io.cdcflow.capture.publish;

import org.eclipse.microprofile.config.Config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka client settings of capture-service's producer, read the way every other service reads them: each
 * {@code kafka.*} property, and each {@code KAFKA_*} environment variable with {@code _} read as {@code .}
 * ({@code KAFKA_SECURITY_PROTOCOL} is {@code security.protocol}), exactly as Quarkus hands them to the SmallRye
 * Kafka channels of the router and the sinks; so one set of variables (TLS, SASL) reaches every service.
 * {@code cdc.capture.kafka.*} entries, kept for compatibility, win over them.
 */
public final class KafkaClientSettings {

    private static final String PREFIX = "kafka";

    private KafkaClientSettings() {
    }

    /** The shared {@code kafka.*} settings, then {@code overrides} on top. */
    public static Map<String, Object> of(Config config, Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.length() <= PREFIX.length() + 1 || !lower.startsWith(PREFIX)
                    || (lower.charAt(PREFIX.length()) != '.' && lower.charAt(PREFIX.length()) != '_')) {
                continue;
            }
            String key = lower.substring(PREFIX.length() + 1).replace('_', '.');
            config.getOptionalValue(name, String.class).ifPresent(v -> props.put(key, v));
        }
        props.putAll(overrides);
        return props;
    }
}
