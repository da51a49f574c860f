package io.cdcflow.router.consume;

import org.eclipse.microprofile.config.Config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka client settings every service reads the same way (docs/deployment.md, "Kafka security"): each
 * {@code kafka.<client property>} property, or its environment variable {@code KAFKA_<PROPERTY>} with {@code .}
 * written {@code _}, e.g. {@code kafka.bootstrap.servers}, {@code KAFKA_SECURITY_PROTOCOL}.
 */
final class KafkaProperties {

    private KafkaProperties() {
    }

    static Map<String, Object> of(Config config) {
        Map<String, Object> out = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            String property = null;
            if (name.startsWith("kafka.")) {
                property = name.substring("kafka.".length());
            } else if (name.startsWith("KAFKA_")) {
                property = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            }
            if (property != null && !property.isEmpty()) {
                String key = property;
                config.getOptionalValue(name, String.class).ifPresent(v -> out.putIfAbsent(key, v));
            }
        }
        return out;
    }
}
