package io.cdcflow.capture.config;

import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a {@link CaptureConfig} as capture-service does (SmallRye's mapping, its defaults and the renamed-property
 * interceptor) from plain properties, so a test sets only what it is about.
 */
public final class CaptureConfigs {

    private CaptureConfigs() {
    }

    /** The mapping of {@code properties} (full names). */
    public static CaptureConfig of(Map<String, String> properties) {
        Map<String, String> p = new HashMap<>(properties);
        p.putIfAbsent("cdc.capture.kafka-bootstrap-servers", "127.0.0.1:19092");
        return new SmallRyeConfigBuilder().withMapping(CaptureConfig.class)
                .withInterceptors(new RenamedSourceProperties())
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(p, "test", 500)).build()
                .getConfigMapping(CaptureConfig.class);
    }

    /**
     * Source {@code name} on the stack's source PostgreSQL ({@code mariadb}: its MariaDB), capturing {@code tables},
     * with {@code extra} properties named relative to the source ({@code log.slot-name}).
     */
    public static SourceConfig source(StackEndpoints stack, String name, DatabaseKind kind, String tables,
                                      Map<String, String> extra) {
        String server = kind == DatabaseKind.postgresql ? "CDC_SOURCE_PG_" : "CDC_MARIADB_";
        String prefix = "cdc.capture.sources." + name + ".";
        Map<String, String> p = new HashMap<>();
        p.put(prefix + "kind", kind.name());
        p.put(prefix + "host", stack.get(server + "HOST"));
        p.put(prefix + "port", stack.get(server + "PORT"));
        p.put(prefix + "database", stack.get(server + "DB"));
        p.put(prefix + "user", stack.get(server + "USER"));
        p.put(prefix + "password", stack.get(server + "PASSWORD"));
        p.put(prefix + "tables", tables);
        extra.forEach((k, v) -> p.put(prefix + k, v));
        return of(p).sources().get(name);
    }
}
