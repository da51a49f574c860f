package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.registry.schema.JsonSchemaDiff.Difference;
import io.cdcflow.registry.schema.JsonSchemaDiff.Type;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One comparison run: the two roots that {@code $ref}s resolve in, the differences found so far, and the pairs of
 * nodes already compared (so recursive {@code $ref}s terminate). A trial comparison (is this pair compatible?) runs
 * in a fresh context, so that what it finds and visits leaves this one untouched.
 */
final class JsonSchemaDiffContext {

    private final JsonNode originalRoot;
    private final JsonNode updateRoot;
    private final List<Difference> differences = new ArrayList<>();
    private final Set<Pair> seen = new HashSet<>();
    /**
     * The pairs being compared on the current call path, across this run's contexts (trials and reversed ones
     * included), each with the root its original resolves in: see {@link #enter}.
     */
    private final Set<OnPath> onPath;

    JsonSchemaDiffContext(JsonNode originalRoot, JsonNode updateRoot) {
        this(originalRoot, updateRoot, new HashSet<>());
    }

    private JsonSchemaDiffContext(JsonNode originalRoot, JsonNode updateRoot, Set<OnPath> onPath) {
        this.originalRoot = originalRoot;
        this.updateRoot = updateRoot;
        this.onPath = onPath;
    }

    /** Identity triple of a pair on the call path: the resolved nodes, and the root the original resolves in. */
    private record OnPath(JsonNode original, JsonNode update, JsonNode originalRoot) {
        @Override
        public boolean equals(Object o) {
            return o instanceof OnPath p && p.original == original && p.update == update
                    && p.originalRoot == originalRoot;
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(original) * 31 + System.identityHashCode(update)) * 31
                    + System.identityHashCode(originalRoot);
        }
    }

    /**
     * Starts comparing a resolved pair; false when the same pair is already being compared further up the call path,
     * in this context or in one that started a trial (a recursive {@code $ref} reached again through {@code anyOf},
     * {@code items} and the like). Such a pair is taken as compatible, as a context's revisited pairs are: comparing
     * recursive schemas is coinductive. Without this, a trial starts with nothing seen, and every level of a recursive
     * schema under a combination would try every branch again, exponentially, until the depth limit.
     */
    boolean enter(JsonNode original, JsonNode update) {
        return onPath.add(new OnPath(original, update, originalRoot));
    }

    /** Ends comparing a pair {@link #enter} started. */
    void exit(JsonNode original, JsonNode update) {
        onPath.remove(new OnPath(original, update, originalRoot));
    }

    /** Identity pair of schema nodes already compared. */
    private record Pair(JsonNode original, JsonNode update) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.original == original && p.update == update;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(original) * 31 + System.identityHashCode(update);
        }
    }

    /** {@code node} of the original with its {@code $ref}s followed. */
    JsonNode original(JsonNode node) {
        return JsonSchemaNodes.deref(originalRoot, node);
    }

    /** {@code node} of the update with its {@code $ref}s followed. */
    JsonNode update(JsonNode node) {
        return JsonSchemaNodes.deref(updateRoot, node);
    }

    /** True the first time this pair of (resolved) nodes is compared in this context. */
    boolean firstVisit(JsonNode original, JsonNode update) {
        return seen.add(new Pair(original, update));
    }

    void add(String path, Type type) {
        differences.add(new Difference(path, type));
    }

    void addAll(List<Difference> found) {
        differences.addAll(found);
    }

    List<Difference> differences() {
        return differences;
    }

    /** Compares two subschemas at {@code path}, recording into this context. */
    void diff(String path, JsonNode original, JsonNode update, int depth) {
        JsonSchemaDiff.diff(this, path, original, update, depth);
    }

    /** Whether {@code update} accepts every document {@code original} accepts, tried in a fresh context. */
    boolean compatible(JsonNode original, JsonNode update, int depth) {
        return differencesOf("#", original, update, depth).isEmpty();
    }

    /** The differences between two subschemas at {@code path}, found in a fresh context and not recorded here. */
    List<Difference> differencesOf(String path, JsonNode original, JsonNode update, int depth) {
        JsonSchemaDiffContext trial = new JsonSchemaDiffContext(originalRoot, updateRoot, onPath);
        trial.diff(path, original, update, depth);
        return trial.differences;
    }

    /** A fresh context with the roles swapped, for keywords that exclude ({@code not}). */
    JsonSchemaDiffContext reversed() {
        return new JsonSchemaDiffContext(updateRoot, originalRoot, onPath);
    }
}
