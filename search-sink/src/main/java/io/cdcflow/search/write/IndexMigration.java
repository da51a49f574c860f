package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import io.cdcflow.search.index.IndexMappings;
import io.cdcflow.search.index.IndexNames;
import io.cdcflow.sink.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves a table to a new index version when a newer schema maps a column with another type than its index does
 * (OpenSearch cannot change a field's type in place: {@code ALTER COLUMN code TYPE text} on a column mapped
 * {@code long}). The table's name ({@code <index>}) and its live alias ({@code <index>-live}) are what writes and
 * searches use; the index behind them is {@code <index>} itself (the first layout) or {@code <index>-v<n>}.
 *
 * <ol>
 *   <li>{@code <index>-v<n+1>} is created with the current mapping, the changed fields taking their new type (with
 *   {@code ignore_malformed} where the type has it, so an old value that does not fit stays in {@code _source}
 *   instead of failing the copy) and the new columns added;</li>
 *   <li>the current index is made read-only, so that no write (another sink replica's) lands where the copy has
 *   passed: such writes are refused as a cluster block, which the sink retries;</li>
 *   <li>{@code _reindex} copies every document, tombstones and positions included;</li>
 *   <li>one {@code _aliases} request points both names at the new version: searches see the old index until that
 *   request and the new one after it, never neither nor both. The old version is deleted a moment later (an index of
 *   the first layout, which holds the name itself, in the same request: a search that resolved to it just before
 *   may fail; tables created since start at {@code -v1} behind their names).</li>
 * </ol>
 * A second replica that meets the same schema finds the new version already in place (it reads the mapping behind
 * the name again first), or, while the first is copying, the new index existing and the old one read-only: it
 * waits (a store-unavailable retry). A new index left by a migration that died before the swap (the old one still
 * writable) is deleted and the migration starts again.
 */
final class IndexMigration {

    private static final Logger LOG = Logger.getLogger(IndexMigration.class);
    private static final Pattern VERSION = Pattern.compile("(.*)-v(\\d+)");
    /** How long a version no name points at is kept before it is deleted: searches in flight end on it. */
    private static final long RETIRE_AFTER_MS = 2_000;
    /** Field types that take {@code ignore_malformed}. */
    private static final Set<String> MALFORMED_TOLERANT = Set.of("long", "integer", "short", "byte", "double",
            "float", "half_float", "scaled_float", "date", "ip");

    /** One HTTP exchange with OpenSearch ({@link OpenSearchIndices#call}). */
    @FunctionalInterface
    interface Http {
        OpenSearchIndices.Answer call(String method, String endpoint, JsonNode body);
    }

    private final Http http;
    private final IndexNames names;
    private final OpenSearchSinkConfig.Index settings;
    private final MeterRegistry meters;

    IndexMigration(Http http, IndexNames names, OpenSearchSinkConfig.Index settings, MeterRegistry meters) {
        this.http = http;
        this.names = names;
        this.settings = settings;
        this.meters = meters;
    }

    /** The fields {@code wanted} maps with another type than {@code mapped} has them (new fields are not listed). */
    static List<String> incompatible(Map<String, String> mapped, ObjectNode wanted) {
        List<String> out = new ArrayList<>();
        wanted.properties().forEach(e -> {
            String had = mapped.get(e.getKey());
            if (had != null && !had.equals(e.getValue().path("type").asText("object"))) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    /** The name of the version after {@code physical}, the index now behind {@code name}. */
    static String nextVersion(String name, String physical) {
        Matcher m = VERSION.matcher(physical);
        int current = m.matches() && m.group(1).equals(name) ? Integer.parseInt(m.group(2)) : 1;
        return name + "-v" + (current + 1);
    }

    /** The mapping of the new version: the current one, the changed fields retyped, the new fields added. */
    static ObjectNode nextProperties(JsonNode currentProperties, ObjectNode wanted, List<String> changed) {
        ObjectNode props = currentProperties.isObject() ? ((ObjectNode) currentProperties).deepCopy()
                : Json.mapper().createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (changed.contains(e.getKey())) {
                ObjectNode retyped = ((ObjectNode) e.getValue()).deepCopy();
                if (MALFORMED_TOLERANT.contains(retyped.path("type").asText())) {
                    retyped.put("ignore_malformed", true);
                }
                props.set(e.getKey(), retyped);
            } else if (!props.has(e.getKey())) {
                props.set(e.getKey(), e.getValue());
            }
        }
        return props;
    }

    /**
     * The one {@code _aliases} request that moves both names from {@code from} to {@code to}. An index of the first
     * layout holds the table's name itself, so it is removed in the same request (the name cannot be an alias while an
     * index has it); a versioned one only loses its aliases, and is deleted a moment later, so that no search that
     * had resolved to it fails.
     */
    static ObjectNode swapBody(String name, String liveAlias, String from, String to) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode actions = body.putArray("actions");
        actions.addObject().putObject("add").put("index", to).put("alias", name);
        ObjectNode live = actions.addObject().putObject("add").put("index", to).put("alias", liveAlias);
        live.setAll(IndexMappings.aliasBody());
        if (from.equals(name)) {
            actions.addObject().putObject("remove_index").put("index", from);
        } else {
            actions.addObject().putObject("remove").put("index", from).put("alias", name);
            actions.addObject().putObject("remove").put("index", from).put("alias", liveAlias);
        }
        return body;
    }

    /** Moves the table behind {@code state} to a new index version for {@code schema}; updates {@code state}. */
    void migrate(OpenSearchIndices.IndexState state, RowSchema schema, ObjectNode wanted, List<String> changed) {
        String name = state.index();
        String physical = physicalIndex(name);
        OpenSearchIndices.Answer mapping = http.call("GET", "/" + physical + "/_mapping", null);
        if (!mapping.ok()) {
            throw OpenSearchIndices.rejected(physical, "reading the mapping of", mapping);
        }
        JsonNode currentProperties = mapping.body().path(physical).path("mappings").path("properties");
        Map<String, String> mapped = OpenSearchIndices.fieldTypes(currentProperties);
        List<String> stillChanged = incompatible(mapped, wanted);
        if (stillChanged.isEmpty()) {
            // Another replica moved it already: take the mapping as it is now.
            state.fieldTypes().putAll(mapped);
            return;
        }
        String next = nextVersion(name, physical);
        ObjectNode props = nextProperties(currentProperties, wanted, stillChanged);
        ObjectNode create = Json.mapper().createObjectNode();
        create.putObject("settings").putObject("index").put("number_of_shards", settings.shards())
                .put("number_of_replicas", settings.replicas());
        ObjectNode mappings = create.putObject("mappings");
        mappings.put("dynamic", true);
        mappings.set("properties", props);
        createVersion(physical, next, create);
        boolean swapped = false;
        try {
            settingsWriteBlock(physical, true);
            ObjectNode reindex = Json.mapper().createObjectNode();
            reindex.putObject("source").put("index", physical);
            reindex.putObject("dest").put("index", next);
            OpenSearchIndices.Answer copied = http.call("POST", "/_reindex?wait_for_completion=true&refresh=true", reindex);
            if (!copied.ok() && copied.status() / 100 == 4) {
                throw OpenSearchIndices.rejected(physical, "copying to " + next + " (a cluster needs its reindex module "
                        + "for this)", copied);
            }
            if (!copied.ok() || copied.body().path("failures").size() > 0) {
                throw new StoreUnavailableException("copying " + physical + " to " + next + " answered "
                        + copied.status() + ": " + (copied.ok() ? copied.body().path("failures") : copied.error()), null);
            }
            OpenSearchIndices.Answer swap = http.call("POST", "/_aliases",
                    swapBody(name, names.aliasFor(name), physical, next));
            if (!swap.ok()) {
                throw OpenSearchIndices.rejected(name, "moving the aliases of", swap);
            }
            swapped = true;
            if (!physical.equals(name)) {
                retire(physical);
            }
            meters.counter("cdc.search.index.migrations", "index", name).increment();
            LOG.infof("index %s: schema id %d maps %s with new types; moved from %s to %s (%d documents copied); "
                            + "%s and %s now point at it", name, schema.id(), stillChanged, physical, next,
                    copied.body().path("total").asLong(), name, names.aliasFor(name));
        } finally {
            if (!swapped) {
                settingsWriteBlock(physical, false);
            }
        }
        state.fieldTypes().clear();
        state.fieldTypes().putAll(OpenSearchIndices.fieldTypes(props));
    }

    /** The index behind a table's name: the one its read alias points at, or the index of that name. */
    private String physicalIndex(String name) {
        OpenSearchIndices.Answer alias = http.call("GET", "/_alias/" + name, null);
        if (alias.ok() && alias.body().size() == 1) {
            return alias.body().fieldNames().next();
        }
        return name;
    }

    /**
     * Creates the new version. When it exists: another replica is copying (the old index is read-only), so this one
     * waits; or a migration died before its swap (the old index still writable), so the leftover is replaced.
     */
    private void createVersion(String physical, String next, ObjectNode body) {
        OpenSearchIndices.Answer created = http.call("PUT", "/" + next, body);
        if (created.ok()) {
            return;
        }
        if (!"resource_already_exists_exception".equals(created.errorType())) {
            throw OpenSearchIndices.rejected(next, "creating", created);
        }
        OpenSearchIndices.Answer blocks = http.call("GET", "/" + physical + "/_settings/index.blocks.write", null);
        if (blocks.ok() && blocks.body().toString().contains("\"write\":\"true\"")) {
            throw new StoreUnavailableException("index " + physical + " is being moved to " + next
                    + " by another sink instance", null);
        }
        LOG.warnf("index %s exists from a move of %s that did not finish; replacing it", next, physical);
        OpenSearchIndices.Answer deleted = http.call("DELETE", "/" + next, null);
        if (!deleted.ok()) {
            throw OpenSearchIndices.rejected(next, "deleting the unfinished", deleted);
        }
        OpenSearchIndices.Answer again = http.call("PUT", "/" + next, body);
        if (!again.ok()) {
            throw OpenSearchIndices.rejected(next, "creating", again);
        }
    }

    /** Deletes a version no name points at any more, after searches that had resolved to it have had time to end. */
    private void retire(String index) {
        try {
            Thread.sleep(RETIRE_AFTER_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        OpenSearchIndices.Answer deleted = http.call("DELETE", "/" + index, null);
        if (!deleted.ok()) {
            LOG.warnf("index %s: no name points at it any more, but deleting it answered %d: %s; delete it by hand",
                    index, deleted.status(), deleted.error());
        }
    }

    private void settingsWriteBlock(String index, boolean on) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("index.blocks.write", on);
        OpenSearchIndices.Answer a = http.call("PUT", "/" + index + "/_settings", body);
        if (!a.ok()) {
            throw OpenSearchIndices.rejected(index, on ? "making read-only" : "making writable again", a);
        }
    }
}
