package io.cdcflow.capture.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A polling source's durable state in {@code cdc.capture.state-dir}: one JSON object per file. Every save writes a
 * temporary file, forces it to disk and renames it over the old one, so a crash leaves either the old or the new
 * state, never half of one. Kept in the state folder rather than in the source database, so capture needs no
 * write access there beyond what its strategy requires.
 */
public final class StateFile implements StateStore {

    private final Path file;

    public StateFile(Path stateDir, String name) {
        this.file = stateDir.resolve(name);
    }

    @Override
    public ObjectNode load() throws IOException {
        if (!Files.exists(file)) {
            return Json.mapper().createObjectNode();
        }
        JsonNode root = Json.mapper().readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IOException(file + " does not hold a JSON object; delete it to start this source's state afresh");
        }
        return (ObjectNode) root;
    }

    @Override
    public void save(ObjectNode state) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.mapper().writeValueAsBytes(state));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
