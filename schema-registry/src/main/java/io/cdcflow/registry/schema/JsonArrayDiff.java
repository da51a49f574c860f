package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.registry.schema.JsonSchemaDiff.Type;

import java.util.ArrayList;
import java.util.List;

import static io.cdcflow.registry.schema.JsonSchemaNodes.TRUE;
import static io.cdcflow.registry.schema.JsonSchemaNodes.acceptsAll;
import static io.cdcflow.registry.schema.JsonSchemaNodes.isFalse;

/**
 * The array keywords: positional items ({@code prefixItems}, or {@code items} as an array) against the content
 * model ({@code items}, {@code additionalItems}), item counts, {@code uniqueItems} and {@code contains}.
 */
final class JsonArrayDiff {

    private JsonArrayDiff() {
    }

    /** An array schema as positional items (tuple form) followed by the schema of the remaining items. */
    private record Items(List<JsonNode> prefix, JsonNode rest) {
        static Items of(JsonNode schema) {
            List<JsonNode> prefix = new ArrayList<>();
            if (schema.path("prefixItems").isArray()) {
                schema.get("prefixItems").forEach(prefix::add);
                return new Items(prefix, schema.has("items") ? schema.get("items") : TRUE);
            }
            JsonNode items = schema.get("items");
            if (items != null && items.isArray()) {
                items.forEach(prefix::add);
                return new Items(prefix, schema.has("additionalItems") ? schema.get("additionalItems") : TRUE);
            }
            return new Items(prefix, items == null ? TRUE : items);
        }
    }

    static void compare(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        Items oi = Items.of(o);
        Items ui = Items.of(u);
        int common = Math.min(oi.prefix().size(), ui.prefix().size());
        for (int i = 0; i < common; i++) {
            ctx.diff(path + "/items/" + i, oi.prefix().get(i), ui.prefix().get(i), depth + 1);
        }
        compareAddedItems(ctx, path, oi, ui, common, depth);
        compareRemovedItems(ctx, path, oi, ui, common, depth);
        if (oi.prefix().isEmpty() && ui.prefix().isEmpty()) {
            ctx.diff(path + "/items", oi.rest(), ui.rest(), depth + 1);
        } else {
            JsonObjectDiff.compareAdditional(ctx, path + "/additionalItems", ctx.original(oi.rest()),
                    ctx.update(ui.rest()), Type.ADDITIONAL_ITEMS_REMOVED, Type.ADDITIONAL_ITEMS_NARROWED, depth);
        }
        JsonScalarDiff.upper(ctx, path, o, u, "maxItems", Type.MAX_ITEMS_ADDED, Type.MAX_ITEMS_DECREASED);
        JsonScalarDiff.lower(ctx, path, o, u, "minItems", Type.MIN_ITEMS_ADDED, Type.MIN_ITEMS_INCREASED);
        if (u.path("uniqueItems").asBoolean(false) && !o.path("uniqueItems").asBoolean(false)) {
            ctx.add(path + "/uniqueItems", Type.UNIQUE_ITEMS_ADDED);
        }
    }

    static void compareContains(JsonSchemaDiffContext ctx, String path, JsonNode o, JsonNode u, int depth) {
        if (u.has("contains")) {
            ctx.diff(path + "/contains", o.get("contains"), u.get("contains"), depth + 1);
        }
    }

    /** Positions only the update lists, against what the original allowed after its own positions. */
    private static void compareAddedItems(JsonSchemaDiffContext ctx, String path, Items oi, Items ui, int common,
                                          int depth) {
        for (int i = common; i < ui.prefix().size(); i++) {
            JsonNode before = ctx.original(oi.rest());
            JsonNode item = ctx.update(ui.prefix().get(i));
            if (acceptsAll(before)) {
                if (!acceptsAll(item)) {
                    ctx.add(path + "/items/" + i, Type.ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
                }
            } else if (!isFalse(before) && !ctx.compatible(before, item, depth + 1)) {
                ctx.add(path + "/items/" + i, Type.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
    }

    /** Positions only the original lists, against what the update allows after its own positions. */
    private static void compareRemovedItems(JsonSchemaDiffContext ctx, String path, Items oi, Items ui, int common,
                                            int depth) {
        for (int i = common; i < oi.prefix().size(); i++) {
            JsonNode after = ctx.update(ui.rest());
            JsonNode item = ctx.original(oi.prefix().get(i));
            if (isFalse(after)) {
                if (!isFalse(item)) {
                    ctx.add(path + "/items/" + i, Type.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            } else if (!acceptsAll(after) && !ctx.compatible(item, after, depth + 1)) {
                ctx.add(path + "/items/" + i, Type.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
            }
        }
    }
}
