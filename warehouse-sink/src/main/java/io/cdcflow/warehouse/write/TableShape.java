package io.cdcflow.warehouse.write;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A warehouse table pair as it stands in the database: its names, its key columns, and its source columns (key
 * columns included, the {@code _cdc_} bookkeeping columns left out) with their SQL types as PostgreSQL prints them.
 */
public record TableShape(TableNames names, List<String> keyColumns, Map<String, String> columns) {

    public TableShape {
        keyColumns = List.copyOf(keyColumns);
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
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
