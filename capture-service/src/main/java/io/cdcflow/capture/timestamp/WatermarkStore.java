package io.cdcflow.capture.timestamp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.capture.state.StateStore;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The timestamp strategy's durable state, the source's state {@code timestamp} ({@code <source>.timestamp.json} in
 * {@code cdc.capture.state-dir}, or the capture state topic): per table, the watermark (highest published timestamp,
 * epoch microseconds) and the (timestamp, key) pairs published within the overlap window below it. Chosen over a
 * table in the source database so capture needs only SELECT there.
 */
public final class WatermarkStore {

    private final StateStore file;

    public WatermarkStore(StateStore file) {
        this.file = file;
    }

    /** The stored state by {@code namespace.table}; empty when nothing was stored yet. */
    public Map<String, TableWatermark> load() throws IOException {
        Map<String, TableWatermark> out = new HashMap<>();
        file.load().properties().forEach(e -> {
            Set<String> published = new HashSet<>();
            e.getValue().path("published").forEach(p -> published.add(p.asText()));
            out.put(e.getKey(), new TableWatermark(e.getValue().path("watermark_us").asLong(), published));
        });
        return out;
    }

    /** Replaces the stored state, durably. */
    public void save(Map<String, TableWatermark> state) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        state.forEach((table, w) -> {
            ObjectNode t = root.putObject(table);
            t.put("watermark_us", w.watermarkUs());
            var arr = t.putArray("published");
            w.published().forEach(arr::add);
        });
        file.save(root);
    }

    /**
     * One table's position.
     *
     * @param watermarkUs the highest timestamp published, epoch microseconds
     * @param published   {@code <ts_us>|<key JSON>} of what was published at or above {@code watermarkUs - overlap}
     */
    public record TableWatermark(long watermarkUs, Set<String> published) {
    }
}
