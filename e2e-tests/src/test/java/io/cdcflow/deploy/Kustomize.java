package io.cdcflow.deploy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the subset of kustomize our manifests use:
 * {@code resources} (files and directories with their own kustomization), {@code namespace}, {@code labels},
 * {@code images} (newName, newTag), {@code replicas} and {@code patches} with a {@code target} (kind, name as a
 * regular expression) and an inline JSON 6902 patch (add, replace, remove). Anything else fails loudly, so that
 * a manifest using a feature this renderer ignores cannot pass the tests unchecked.
 */
final class Kustomize {

    static final YAMLMapper YAML = new YAMLMapper();

    private static final List<String> KNOWN = List.of("apiVersion", "kind", "resources", "namespace", "labels",
            "images", "replicas", "patches");

    private Kustomize() {
    }

    /** The resources of the kustomization in {@code dir}, after its transformations. */
    static List<ObjectNode> render(Path dir) {
        JsonNode k = readAll(dir.resolve("kustomization.yaml")).getFirst();
        k.fieldNames().forEachRemaining(f -> {
            if (!KNOWN.contains(f)) {
                throw new IllegalArgumentException(dir + ": kustomization field '" + f + "' is not supported by the test renderer");
            }
        });
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(render(p));
            } else {
                readAll(p).forEach(d -> out.add((ObjectNode) d));
            }
        }
        for (JsonNode l : k.path("labels")) {
            for (ObjectNode res : out) {
                ObjectNode labels = res.withObjectProperty("metadata").withObjectProperty("labels");
                l.path("pairs").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
            }
        }
        if (k.has("namespace")) {
            out.forEach(res -> res.withObjectProperty("metadata").put("namespace", k.get("namespace").asText()));
        }
        for (JsonNode image : k.path("images")) {
            out.forEach(res -> retag(res, image));
        }
        for (JsonNode rep : k.path("replicas")) {
            List<ObjectNode> hits = out.stream()
                    .filter(res -> "Deployment".equals(res.path("kind").asText())
                            && rep.path("name").asText().equals(res.path("metadata").path("name").asText()))
                    .toList();
            if (hits.isEmpty()) {
                throw new IllegalArgumentException(dir + ": replicas for unknown Deployment " + rep.path("name"));
            }
            hits.forEach(res -> res.withObjectProperty("spec").put("replicas", rep.path("count").asInt()));
        }
        for (JsonNode patch : k.path("patches")) {
            JsonNode target = patch.path("target");
            List<ObjectNode> hits = out.stream().filter(res -> matches(target, res)).toList();
            if (hits.isEmpty()) {
                throw new IllegalArgumentException(dir + ": patch target " + target + " matches nothing");
            }
            JsonNode ops = readString(patch.path("patch").asText());
            hits.forEach(res -> ops.forEach(op -> apply(res, op)));
        }
        return out;
    }

    private static boolean matches(JsonNode target, JsonNode res) {
        for (Map.Entry<String, String> f : Map.of("kind", "kind", "name", "name").entrySet()) {
            if (!target.has(f.getKey())) {
                continue;
            }
            String actual = f.getKey().equals("kind") ? res.path("kind").asText() : res.path("metadata").path("name").asText();
            if (!actual.matches(target.get(f.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    private static void retag(JsonNode node, JsonNode image) {
        if (node instanceof ObjectNode obj && obj.has("image") && obj.has("name") && obj.get("image").isTextual()) {
            String ref = obj.get("image").asText();
            int colon = ref.lastIndexOf(':');
            String name = colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
            String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "latest";
            if (name.equals(image.path("name").asText())) {
                obj.put("image", image.path("newName").asText(name) + ":" + image.path("newTag").asText(tag));
            }
        }
        node.forEach(child -> retag(child, image));
    }

    /** Applies one JSON 6902 operation (add, replace, remove) in place. */
    static void apply(ObjectNode doc, JsonNode op) {
        JsonPointer path = JsonPointer.compile(op.path("path").asText());
        JsonNode parent = doc.at(path.head());
        String last = path.last().getMatchingProperty();
        String kind = op.path("op").asText();
        if (parent.isMissingNode()) {
            throw new IllegalArgumentException("patch path " + path + " has no parent in " + doc.path("metadata").path("name"));
        }
        if (parent instanceof ObjectNode obj) {
            if (!kind.equals("add") && !obj.has(last)) {
                throw new IllegalArgumentException("patch " + kind + " of missing " + path);
            }
            switch (kind) {
                case "add", "replace" -> obj.set(last, op.get("value"));
                case "remove" -> obj.remove(last);
                default -> throw new IllegalArgumentException("unsupported patch op " + kind);
            }
        } else if (parent instanceof ArrayNode arr) {
            int i = last.equals("-") ? arr.size() : Integer.parseInt(last);
            switch (kind) {
                case "add" -> arr.insert(i, op.get("value"));
                case "replace" -> arr.set(i, op.get("value"));
                case "remove" -> arr.remove(i);
                default -> throw new IllegalArgumentException("unsupported patch op " + kind);
            }
        } else {
            throw new IllegalArgumentException("patch path " + path + " is not inside an object or array");
        }
    }

    /** Every non-empty document of a YAML file. */
    static List<JsonNode> readAll(Path file) {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isMissingNode() && !d.isEmpty()) {
                    docs.add(d);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readString(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
