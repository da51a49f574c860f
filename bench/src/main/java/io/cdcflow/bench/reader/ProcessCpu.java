package io.cdcflow.bench.reader;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of named process trees, each a process and its live descendants (a PostgreSQL
 * server's backends, say), read through {@link ProcessHandle}. Two readings around a step tell where the
 * machine's cores went during it; a process that exits in between takes its time with it.
 */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    /** The CPU time of each tree so far; a root that is not running reads as zero. */
    public static Map<String, Duration> read(Map<String, Long> roots) {
        Map<String, Duration> out = new LinkedHashMap<>();
        roots.forEach((name, pid) -> out.put(name, ProcessHandle.of(pid)
                .map(p -> Stream.concat(Stream.of(p), p.descendants())
                        .map(h -> h.info().totalCpuDuration().orElse(Duration.ZERO))
                        .reduce(Duration.ZERO, Duration::plus))
                .orElse(Duration.ZERO)));
        return out;
    }

    /** Cores each tree kept busy between two readings {@code wallMs} apart. */
    public static Map<String, Double> coresBetween(Map<String, Duration> before, Map<String, Duration> after, long wallMs) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((name, d) -> out.put(name, Math.max(0, d.minus(before.getOrDefault(name, Duration.ZERO)).toNanos())
                / 1e6 / Math.max(1, wallMs)));
        return out;
    }
}
