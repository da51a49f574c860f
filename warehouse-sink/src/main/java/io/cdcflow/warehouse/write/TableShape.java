package io.cdcflow.warehouse.write;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A warehouse table pair as it stands in the database: its names, its key columns, its columns (key columns included,
 * the {@code _cdc_} bookkeeping columns left out) with their SQL types as PostgreSQL prints them, and the versions of
 * source columns whose type changed in a way no column could follow in place ({@code ColumnVersions}): per source
 * column, the warehouse columns that take its values, the column of its own name first.
 */
public record TableShape(TableNames names, List<String> keyColumns, Map<String, String> columns,
                         Map<String, List<String>> versions) {

    public TableShape {
        keyColumns = List.copyOf(keyColumns);
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        versions = Map.copyOf(versions);
    }

    /** A table pair whose columns all have one version. */
    public TableShape(TableNames names, List<String> keyColumns, Map<String, String> columns) {
        this(names, keyColumns, columns, Map.of());
    }

    /** The warehouse columns that take a source column's values: its versions, or the column of its name. */
    public List<String> versionsOf(String sourceColumn) {
        return versions.getOrDefault(sourceColumn, List.of(sourceColumn));
    }

    /**
     * The column that takes a source column's values of type {@code sqlType}: the newest of its versions that holds
     * them as it stands, or empty when none does (it needs widening or a new version).
     */
    public java.util.Optional<String> columnFor(String sourceColumn, String sqlType) {
        List<String> all = versionsOf(sourceColumn);
        for (int i = all.size() - 1; i >= 0; i--) {
            String type = columns.get(all.get(i));
            if (type != null && io.cdcflow.warehouse.schema.ColumnVersions.holds(type, sqlType)) {
                return java.util.Optional.of(all.get(i));
            }
        }
        return java.util.Optional.empty();
    }

    /** The source column a warehouse column takes values of (itself, unless it is a version of another). */
    public String sourceOf(String warehouseColumn) {
        for (Map.Entry<String, List<String>> v : versions.entrySet()) {
            if (v.getValue().contains(warehouseColumn)) {
                return v.getKey();
            }
        }
        return warehouseColumn;
    }

    /** True when every named column exists. */
    public boolean hasColumns(Iterable<String> names) {
        for (String n : names) {
            if (!columns.containsKey(n)) {
                return false;
            }
        }
        return true;
    }
}
