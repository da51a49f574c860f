package io.cdcflow.capture.timestamp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The timestamp strategy's durable state, one JSON file per source in {@code cdc.capture.state-dir}
 * ({@code <source>.timestamp.json}): per table, the watermark (highest published timestamp, epoch
 * microseconds) and the (timestamp, key) pairs published within the overlap window below it. Chosen over a
 * table in the source database so capture needs only SELECT there. Every save writes a temporary file, forces
 * it to disk and renames it over the old one, so a crash leaves either the old or the new state.
 */
public final class WatermarkStore {

    private final Path file;

    public WatermarkStore(Path stateDir, String sourceName) {
        this.file = stateDir.resolve(sourceName + ".timestamp.json");
    }

    /** The stored state by {@code namespace.table}; empty when nothing was stored yet. */
    public Map<String, TableWatermark> load() throws IOException {
        Map<String, TableWatermark> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        JsonNode root = Json.mapper().readTree(file.toFile());
        root.properties().forEach(e -> {
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
            w.published().stream().sorted().forEach(arr::add);
        });
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.mapper().writeValueAsBytes(root));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
