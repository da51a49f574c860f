package io.cdcflow.bench.workload;

/** What the generator committed: changes by kind, transactions, and the wall-clock window of the commits. */
public record WorkloadResult(long inserts, long updates, long deletes, long transactions, long startMs, long endMs) {

    public long changes() {
        return inserts + updates + deletes;
    }

    /** Committed changes per second over the window. */
    public double ratePerSecond() {
        return endMs > startMs ? changes() * 1000.0 / (endMs - startMs) : Double.NaN;
    }
}
