package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.search.index.FieldTypes;
import io.cdcflow.search.index.IndexMappings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One move of a table to its next index version, worked out from the index its name points at now and the column
 * mappings a newer schema wants: the new index with its mapping, the copy, and the one {@code _aliases} request that
 * moves both names. Data only; {@link IndexMigration} carries it out.
 *
 * @param name       the table's name: its read alias, or, in the first layout, the index itself
 * @param liveAlias  the filtered alias that hides tombstones
 * @param from       the index behind {@code name} now: {@code name} itself (the first layout) or {@code name-v<n>}
 * @param to         the next version, {@code name-v<n+1>} ({@code name-v2} after the first layout)
 * @param retyped    the fields the new version maps with another type, with their new mappings
 * @param properties the new version's field mappings: the current ones, the retyped fields changed, new columns added
 * @param schemaId   the schema id the new version is planned for (kept in its mapping's {@code _meta})
 */
record IndexMigrationPlan(String name, String liveAlias, String from, String to, Map<String, ObjectNode> retyped,
                          ObjectNode properties, int schemaId) {

    private static final Pattern VERSION = Pattern.compile("(.*)-v(\\d+)");

    /** The plan that retypes {@code changed} (fields {@code current} maps otherwise than {@code wanted}). */
    static IndexMigrationPlan of(String name, String liveAlias, String from, JsonNode currentProperties,
                                 ObjectNode wanted, List<String> changed, int schemaId) {
        ObjectNode props = currentProperties.isObject() ? ((ObjectNode) currentProperties).deepCopy()
                : Json.mapper().createObjectNode();
        Map<String, ObjectNode> retyped = new LinkedHashMap<>();
        wanted.properties().forEach(e -> {
            if (changed.contains(e.getKey())) {
                ObjectNode field = FieldTypes.tolerant((ObjectNode) e.getValue());
                retyped.put(e.getKey(), field);
                props.set(e.getKey(), field);
            } else if (!props.has(e.getKey())) {
                props.set(e.getKey(), e.getValue());
            }
        });
        IndexMappings.metadataProperties().properties().forEach(e -> {
            if (!props.has(e.getKey())) {
                props.set(e.getKey(), e.getValue());
            }
        });
        if (!props.has(IndexMappings.UNFIT)) {
            props.set(IndexMappings.UNFIT, IndexMappings.unfitProperty());
        }
        return new IndexMigrationPlan(name, liveAlias, from, nextVersion(name, from), retyped, props, schemaId);
    }

    /** The name of the version after {@code physical}, the index now behind {@code name}. */
    static String nextVersion(String name, String physical) {
        Matcher m = VERSION.matcher(physical);
        int current = m.matches() && m.group(1).equals(name) ? Integer.parseInt(m.group(2)) : 1;
        return name + "-v" + (current + 1);
    }

    /** The same plan mapping decimals as {@code double}, for a cluster without scaled_float (no mapper-extras). */
    IndexMigrationPlan withoutScaledFloat() {
        ObjectNode props = IndexMappings.withoutScaledFloat(properties);
        Map<String, ObjectNode> fields = new LinkedHashMap<>();
        retyped.keySet().forEach(f -> fields.put(f, (ObjectNode) props.get(f)));
        return new IndexMigrationPlan(name, liveAlias, from, to, fields, props, schemaId);
    }

    /** True when {@code from} is an index of the first layout, which holds the table's name itself. */
    boolean firstLayout() {
        return from.equals(name);
    }

    /** The body of {@code PUT <to>}: no aliases yet, the names move in {@link #swapBody()}. */
    ObjectNode createBody(int shards, int replicas) {
        return createBody(IndexMappings.indexSettings(shards, replicas, IndexMappings.DEFAULT_REFRESH));
    }

    /** The body of {@code PUT <to>} with these {@link IndexMappings#indexSettings settings}. */
    ObjectNode createBody(ObjectNode settings) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("settings", settings);
        ObjectNode mappings = body.putObject("mappings");
        mappings.put("dynamic", true);
        mappings.putObject("_meta").put(IndexMappings.META_SCHEMA_ID, schemaId).put("cdc_migrated_from", from);
        mappings.set("properties", properties);
        return body;
    }

    /**
     * The body of the {@code _reindex} from {@code from} to {@code to}. Each document keeps its version as an external
     * one and conflicts are skipped: copying again (another replica, or a retry after a failure) never replaces a
     * document with an older one, while a copy left by an attempt that had to give the old index back to writers is
     * brought up to date.
     */
    ObjectNode reindexBody() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("conflicts", "proceed");
        body.putObject("source").put("index", from);
        body.putObject("dest").put("index", to).put("version_type", "external");
        body.set("script", ReindexFitScript.script(retyped));
        return body;
    }

    /**
     * The one {@code _aliases} request that moves both names from {@code from} to {@code to}: searches resolve to
     * the old index until it applies and to the new one after, never to none or both. It applies only if the names
     * are still where this plan found them: a versioned index must still hold the read alias ({@code must_exist});
     * an index of the first layout, which holds the name itself and must go for the name to become an alias, is
     * removed in the same request ({@code remove_index}), which fails once the name is an alias. So the read alias
     * always points at exactly one index, and writes through it need no {@code is_write_index}.
     */
    ObjectNode swapBody() {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode actions = body.putArray("actions");
        actions.addObject().putObject("add").put("index", to).put("alias", name);
        ObjectNode live = actions.addObject().putObject("add").put("index", to).put("alias", liveAlias);
        live.setAll(IndexMappings.aliasBody());
        if (firstLayout()) {
            actions.addObject().putObject("remove_index").put("index", from);
        } else {
            actions.addObject().putObject("remove").put("index", from).put("alias", name).put("must_exist", true);
            actions.addObject().putObject("remove").put("index", from).put("alias", liveAlias);
        }
        return body;
    }
}
