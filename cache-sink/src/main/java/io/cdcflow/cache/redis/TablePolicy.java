package io.cdcflow.cache.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.cache.config.RedisSinkConfig;
import io.cdcflow.model.TableRef;

import java.time.Duration;
import java.util.List;

/**
 * What the configuration says about one table's live rows: how long they live (0: no expiry) and which columns are
 * kept in the {@code row} field (null: all of them). Tables without an entry keep every column for ever.
 *
 * @param rowTtlMillis time to live of a live row in milliseconds, 0 for none
 * @param fields       the columns kept, in this order; null keeps the row as the event carries it
 */
public record TablePolicy(long rowTtlMillis, List<String> fields) {

    private static final TablePolicy DEFAULT = new TablePolicy(0, null);

    public TablePolicy {
        fields = fields == null ? null : List.copyOf(fields);
    }

    /** The policy of {@code table} under {@code config} ({@code cdc.sink.redis.row-ttl} and {@code .fields}). */
    public static TablePolicy of(RedisSinkConfig config, TableRef table) {
        String name = table.qualifiedName();
        Duration ttl = config.rowTtl().get(name);
        List<String> fields = config.fields().get(name);
        return ttl == null && fields == null ? DEFAULT : new TablePolicy(ttl == null ? 0 : ttl.toMillis(), fields);
    }

    /** The row to store: the selected columns that the row has (a column the row lacks is left out), or all. */
    public ObjectNode project(ObjectNode row) {
        if (fields == null) {
            return row;
        }
        ObjectNode out = row.objectNode();
        for (String f : fields) {
            JsonNode v = row.get(f);
            if (v != null) {
                out.set(f, v);
            }
        }
        return out;
    }
}
