package io.cdcflow.bench.workload;

import java.time.Duration;

/**
 * What the generator writes: a target rate of changes per second (0 = as fast as possible), for a duration or up
 * to a number of changes, with a mix of inserts, updates and deletes (percentages summing to 100), a transaction
 * size (changes per commit) and a row width (characters of padding in {@code products.description}).
 */
public record WorkloadSpec(double ratePerSecond, Duration duration, long maxChanges, int insertPercent, int updatePercent,
                           int deletePercent, int transactionSize, int rowWidth) {

    public WorkloadSpec {
        if (insertPercent < 0 || updatePercent < 0 || deletePercent < 0 || insertPercent + updatePercent + deletePercent != 100) {
            throw new IllegalArgumentException("the insert/update/delete mix must be three percentages summing to 100");
        }
        if (transactionSize < 1) {
            throw new IllegalArgumentException("transactionSize must be at least 1");
        }
        if (ratePerSecond < 0 || rowWidth < 0) {
            throw new IllegalArgumentException("rate and row width must not be negative");
        }
    }

    /** The default mix (50% inserts, 40% updates, 10% deletes, 10 changes per transaction, 200-character rows). */
    public static WorkloadSpec mixed(double ratePerSecond, Duration duration, long maxChanges) {
        return new WorkloadSpec(ratePerSecond, duration, maxChanges, 50, 40, 10, 10, 200);
    }
}
