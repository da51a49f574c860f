package io.cdcflow.cache.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Refuses to start on a Redis configuration that cannot work, naming each bad {@code cdc.sink.redis.*} property. */
@ApplicationScoped
public class RedisSinkConfigValidator {

    /** The Redis client's default {@code quarkus.redis.max-waiting-handlers}: replies one connection may await. */
    static final int DEFAULT_MAX_WAITING_HANDLERS = 2048;

    /** {@code source.namespace.table}: at least three non-empty parts (names may contain dots themselves). */
    private static final Pattern QUALIFIED_TABLE = Pattern.compile("[^.\\s]+(\\.[^.\\s]+){2,}");
    private static final Pattern PREFIX = Pattern.compile("\\S+");

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, RedisSinkConfig config) {
        int maxWaiting = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.redis.max-waiting-handlers", Integer.class)
                .orElse(DEFAULT_MAX_WAITING_HANDLERS);
        List<String> problems = problems(config, maxWaiting);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid Redis configuration: " + String.join("; ", problems));
        }
    }

    /**
     * Every problem found, each starting with the property's name; empty when the configuration is usable.
     *
     * @param maxWaitingHandlers the Redis client's {@code quarkus.redis.max-waiting-handlers}, the most replies one
     *                           connection may await, which bounds the pipeline size
     */
    public static List<String> problems(RedisSinkConfig c, int maxWaitingHandlers) {
        List<String> p = new ArrayList<>();
        RedisSinkConfig r = c;
        if (!PREFIX.matcher(r.keyPrefix()).matches()) {
            p.add("cdc.sink.redis.key-prefix: must be non-empty and contain no whitespace, was '"
                    + r.keyPrefix() + "'");
        }
        if (r.tombstoneTtl().isNegative()) {
            p.add("cdc.sink.redis.tombstone-ttl: must not be negative (0 keeps tombstones for ever)");
        } else if (!r.tombstoneTtl().isZero() && r.tombstoneTtl().toMillis() < 1) {
            p.add("cdc.sink.redis.tombstone-ttl: must be 0 or at least 1ms");
        }
        checkTables(p, "cdc.sink.redis.row-ttl", r.rowTtl());
        r.rowTtl().forEach((table, ttl) -> {
            if (ttl.toMillis() < 1) {
                p.add("cdc.sink.redis.row-ttl.\"" + table
                        + "\": must be at least 1ms (leave the table out for no expiry)");
            }
        });
        checkTables(p, "cdc.sink.redis.fields", r.fields());
        r.fields().forEach((table, columns) -> {
            String property = "cdc.sink.redis.fields.\"" + table + "\"";
            Set<String> seen = new HashSet<>();
            if (columns.isEmpty()) {
                p.add(property + ": names no column (leave the table out to keep every column)");
            }
            for (String column : columns) {
                if (column.isBlank()) {
                    p.add(property + ": contains an empty column name");
                } else if (!seen.add(column)) {
                    p.add(property + ": names column '" + column + "' twice");
                }
            }
        });
        if (r.pipelineSize() < 1 || r.pipelineSize() > maxWaitingHandlers) {
            p.add("cdc.sink.redis.pipeline-size: must be between 1 and quarkus.redis.max-waiting-handlers ("
                    + maxWaitingHandlers + "), was " + r.pipelineSize());
        }
        if (r.scanCount() < 1) {
            p.add("cdc.sink.redis.scan-count: must be at least 1");
        }
        if (!isPositive(r.timeout())) {
            p.add("cdc.sink.redis.timeout: must be positive");
        }
        return p;
    }

    private static void checkTables(List<String> p, String property, Map<String, ?> byTable) {
        for (String table : byTable.keySet()) {
            if (!QUALIFIED_TABLE.matcher(table).matches()) {
                p.add(property + ".\"" + table + "\": the key must be a table's <source>.<namespace>.<table>");
            }
        }
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
