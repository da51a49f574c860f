package io.cdcflow.bench;

import java.util.List;
import java.util.Set;

/** Command-line options: {@code --quick}, {@code --only <part>} (capture, snapshot, latency or wholepath). */
record BenchOptions(boolean quick, Set<String> only, String command) {

    static final List<String> PARTS = List.of("capture", "snapshot", "latency", "wholepath");

    static BenchOptions parse(String[] args) {
        boolean quick = false;
        Set<String> only = new java.util.LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    if (i + 1 >= args.length || !PARTS.contains(args[i + 1])) {
                        throw new IllegalArgumentException("--only takes one of " + PARTS);
                    }
                    only.add(args[++i]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (bin/bench [--quick] [--only "
                        + String.join("|", PARTS) + "])");
            }
        }
        return new BenchOptions(quick, only, ("bin/bench " + String.join(" ", args)).trim());
    }

    boolean runs(String part) {
        return only.isEmpty() || only.contains(part);
    }
}
