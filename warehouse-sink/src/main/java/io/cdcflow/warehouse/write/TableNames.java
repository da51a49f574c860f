package io.cdcflow.warehouse.write;

import io.cdcflow.model.TableRef;
import io.cdcflow.warehouse.sql.Identifiers;
import io.cdcflow.warehouse.sql.InvalidIdentifierException;

import java.nio.charset.StandardCharsets;

/**
 * Where one source table lands in the warehouse: schema {@code <source>_<namespace>} (e.g. {@code inventory_public}, after an optional configured prefix),
 * the current-state table under the source table's own name, the history table under that name plus a suffix
 * ({@code customers_history}). Names keep their case and characters (they are always quoted) and are checked
 * against PostgreSQL's 63-byte limit, which it would otherwise apply by silently truncating.
 */
public record TableNames(String schema, String current, String history) {

    /** Derives and validates the names; throws {@link InvalidIdentifierException} when they cannot be used. */
    public static TableNames of(TableRef table, String historySuffix) {
        return of(table, "", historySuffix);
    }

    /** As {@link #of(TableRef, String)}, with {@code schemaPrefix} put before the schema name. */
    public static TableNames of(TableRef table, String schemaPrefix, String historySuffix) {
        String schema = schemaPrefix
                + (table.namespace().isEmpty() ? table.source() : table.source() + "_" + table.namespace());
        if (table.source().isEmpty()) {
            throw new InvalidIdentifierException("the event names no source (source.name is empty)");
        }
        Identifiers.require(schema, Identifiers.MAX_BYTES, "warehouse schema name");
        int suffixBytes = historySuffix.getBytes(StandardCharsets.UTF_8).length;
        Identifiers.require(table.table(), Identifiers.MAX_BYTES - suffixBytes, "table name (plus '" + historySuffix + "')");
        return new TableNames(schema, table.table(), table.table() + historySuffix);
    }

    /** {@code "schema"."table"}. */
    public String currentSql() {
        return Identifiers.qualified(schema, current);
    }

    /** {@code "schema"."table_history"}. */
    public String historySql() {
        return Identifiers.qualified(schema, history);
    }
}
