package io.cdcflow.router.route;

/** Raw change events as capture-service writes them (Debezium envelope with its Connect schema), for router tests. */
public final class RawEvents {

    private RawEvents() {
    }

    /** A Connect schema of a row with {@code id int64}, {@code name string} and optionally more fields (JSON). */
    static String schema(String topic, String extraFields) {
        String row = "{\"type\":\"struct\",\"optional\":true,\"name\":\"" + topic + ".Value\",\"fields\":["
                + "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
                + "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"}" + extraFields + "]";
        return "{\"type\":\"struct\",\"name\":\"" + topic + ".Envelope\",\"optional\":false,\"fields\":["
                + row + ",\"field\":\"before\"}," + row + ",\"field\":\"after\"},"
                + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":[]},"
                + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
                + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"}]}";
    }

    /** A Connect schema of a row with exactly these columns (each a Connect field as JSON). */
    public static String schemaOf(String topic, String... columns) {
        String row = "{\"type\":\"struct\",\"optional\":true,\"name\":\"" + topic + ".Value\",\"fields\":["
                + String.join(",", columns) + "]";
        return "{\"type\":\"struct\",\"name\":\"" + topic + ".Envelope\",\"optional\":false,\"fields\":["
                + row + ",\"field\":\"before\"}," + row + ",\"field\":\"after\"},"
                + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":[]},"
                + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
                + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"}]}";
    }

    /** One Connect field as JSON: {@code type}, whether optional, and extra JSON members (e.g. a default). */
    public static String column(String name, String type, boolean optional, String extra) {
        return "{\"type\":\"" + type + "\",\"optional\":" + optional + ",\"field\":\"" + name + "\""
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static String source(String topic, long lsn) {
        String[] parts = topic.split("\\.");
        return "{\"connector\":\"postgresql\",\"name\":\"" + parts[0] + "\",\"db\":\"db\",\"schema\":\"" + parts[1]
                + "\",\"table\":\"" + parts[2] + "\",\"snapshot\":\"false\",\"lsn\":" + lsn + ",\"ts_ms\":"
                + System.currentTimeMillis() + "}";
    }

    /** An insert of {@code after} (a JSON object) at {@code lsn}, wrapped with {@code schema}. */
    static String insert(String topic, String schema, String after, long lsn) {
        return "{\"schema\":" + schema + ",\"payload\":{\"before\":null,\"after\":" + after + ",\"op\":\"c\",\"ts_ms\":1,"
                + "\"source\":" + source(topic, lsn) + ",\"transaction\":null}}";
    }
}
