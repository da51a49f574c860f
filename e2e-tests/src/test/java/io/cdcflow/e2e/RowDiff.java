package io.cdcflow.e2e;

import java.util.Map;

/**
 * How one sink's rows differ from the source's: rows it lacks, rows it holds that the source does not, and rows it
 * holds with other values than the source (stale), over every compared table.
 */
record RowDiff(long missing, long extra, long stale) {

    static RowDiff between(StoreStates.State source, StoreStates.State sink) {
        long missing = 0;
        long extra = 0;
        long stale = 0;
        for (var table : source.tables().entrySet()) {
            Map<String, String> expected = table.getValue();
            Map<String, String> actual = sink.tables().getOrDefault(table.getKey(), Map.of());
            for (var row : expected.entrySet()) {
                String held = actual.get(row.getKey());
                if (held == null) {
                    missing++;
                } else if (!held.equals(row.getValue())) {
                    stale++;
                }
            }
            extra += actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
        }
        return new RowDiff(missing, extra, stale);
    }

    boolean equal() {
        return missing == 0 && extra == 0 && stale == 0;
    }

    @Override
    public String toString() {
        return missing + "/" + extra + "/" + stale;
    }
}
