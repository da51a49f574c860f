package io.cdcflow.capture.publish;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the raw topic of a captured table as Debezium does: {@code <source>.<namespace>.<table>}, with every
 * character Kafka does not allow in a topic name (anything but {@code a-z A-Z 0-9 . _ -}) replaced by {@code _}.
 * Because of that replacement two tables can map to one topic ({@code a b} and {@code a_b}, {@code a$b} and
 * {@code a_b}); {@link #requireDistinct} makes that a start-up error instead of two tables silently sharing a
 * topic (and a registry subject).
 */
public final class TopicNames {

    private TopicNames() {
    }

    /** The raw topic of {@code namespace.table} of the source. */
    public static String of(String source, String namespace, String table) {
        return sanitize(source + "." + namespace + "." + table);
    }

    /**
     * Fails, naming {@code property}, when two of the tables ({@code namespace.table} each) would share a topic.
     */
    public static void requireDistinct(String property, String source, List<String> qualifiedTables) {
        Map<String, String> byTopic = new HashMap<>();
        for (String table : qualifiedTables) {
            String topic = sanitize(source + "." + table);
            String other = byTopic.putIfAbsent(topic, table);
            if (other != null && !other.equals(table)) {
                throw new IllegalArgumentException(property + ": tables '" + other + "' and '" + table
                        + "' would share the Kafka topic '" + topic + "' (topic names allow only a-z A-Z 0-9 . _ -,"
                        + " other characters become _); capture only one of them, or rename one");
            }
        }
    }

    static String sanitize(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            out.append(valid ? c : '_');
        }
        return out.toString();
    }
}
