package io.cdcflow.capture.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import org.jboss.logging.Logger;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the flat source properties of earlier versions working now that each strategy has its group
 * ({@code cdc.capture.sources.<name>.poll-interval} is now {@code trigger.poll-interval} and
 * {@code timestamp.poll-interval}, {@code slot-name} is {@code log.slot-name}, and so on): a new name that is not
 * set (or only in a source of lower priority) is read from its old name, and each old name in use is logged once as
 * a warning naming its replacement.
 * Registered as a SmallRye Config interceptor (META-INF/services), so it applies to every config source, environment
 * variables included.
 */
@Priority(Priorities.LIBRARY + 600)
public final class RenamedSourceProperties implements ConfigSourceInterceptor {

    private static final Logger LOG = Logger.getLogger(RenamedSourceProperties.class);
    private static final String SOURCES = "cdc.capture.sources.";
    /** A source property: the source's name (quoted when it holds dots) and the rest. */
    private static final Pattern PROPERTY = Pattern.compile(Pattern.quote(SOURCES) + "(\"[^\"]+\"|[^.\"]+)\\.(.+)");
    private static final List<String> LOG_PROPERTIES = List.of("slot-name", "publication-name", "server-id",
            "require-full-replica-identity", "snapshot-mode", "heartbeat-interval", "signal-table",
            "incremental-snapshot-chunk-size", "column-include-list", "column-exclude-list", "column-mask-hash",
            "column-mask-hash-salt", "column-mask-chars", "column-mask-chars-length", "offset-store", "offset-topic",
            "offset-topic-partitions", "offset-topic-replication-factor", "schema-history-topic");
    /** Each old name's new names (two where both polling strategies took one shared property). */
    static final Map<String, List<String>> RENAMED = renamed();
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private static Map<String, List<String>> renamed() {
        Map<String, List<String>> renamed = new java.util.LinkedHashMap<>();
        LOG_PROPERTIES.forEach(p -> renamed.put(p, List.of("log." + p)));
        renamed.put("poll-interval", List.of("trigger.poll-interval", "timestamp.poll-interval"));
        renamed.put("batch-size", List.of("trigger.batch-size", "timestamp.batch-size"));
        for (String p : List.of("schema", "install", "snapshot", "max-age")) {
            renamed.put("trigger-" + p, List.of("trigger." + p));
        }
        for (String p : List.of("column", "overlap", "deleted-column", "created-column")) {
            renamed.put("timestamp-" + p, List.of("timestamp." + p));
        }
        return Map.copyOf(renamed);
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        String old = oldName(name);
        ConfigValue oldValue = old == null ? null : context.proceed(old);
        // The new name wins, unless it comes from a source of lower priority (its @WithDefault among them).
        if (oldValue == null || value != null && value.getConfigSourceOrdinal() >= oldValue.getConfigSourceOrdinal()) {
            return value;
        }
        if (WARNED.add(old)) {
            LOG.warnf("%s is deprecated: it is read as %s; rename it (see docs/configuration.md)", old,
                    String.join(" and ", newNames(old)));
        }
        return oldValue.withName(name);
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(name -> names.addAll(newNames(name)));
        return names.iterator();
    }

    /** The old flat name {@code name} replaces, or null when it is not a renamed source property. */
    static String oldName(String name) {
        Matcher m = PROPERTY.matcher(name);
        if (!m.matches()) {
            return null;
        }
        String rest = m.group(2);
        if (rest.startsWith("log.debezium.")) {
            return SOURCES + m.group(1) + "." + rest.substring("log.".length());
        }
        for (Map.Entry<String, List<String>> e : RENAMED.entrySet()) {
            if (e.getValue().contains(rest)) {
                return SOURCES + m.group(1) + "." + e.getKey();
            }
        }
        return null;
    }

    /** The names {@code name} is read as: its new names when it is an old flat one, else itself. */
    static List<String> newNames(String name) {
        Matcher m = PROPERTY.matcher(name);
        if (!m.matches()) {
            return List.of(name);
        }
        String rest = m.group(2);
        String prefix = SOURCES + m.group(1) + ".";
        if (rest.startsWith("debezium.")) {
            return List.of(prefix + "log." + rest);
        }
        List<String> renamed = RENAMED.get(rest);
        return renamed == null ? List.of(name) : renamed.stream().map(r -> prefix + r).toList();
    }
}
