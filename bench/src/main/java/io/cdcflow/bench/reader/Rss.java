package io.cdcflow.bench.reader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's memory figures from {@code /proc/<pid>/status}. */
public final class Rss {

    private Rss() {
    }

    /** {@code VmHWM} (peak RSS) in MiB; NaN when the process is gone or the field is absent. */
    public static double peakMib(long pid) {
        return fieldMib(pid, "VmHWM:");
    }

    /** {@code VmRSS} (current RSS) in MiB; NaN when the process is gone or the field is absent. */
    public static double currentMib(long pid) {
        return fieldMib(pid, "VmRSS:");
    }

    static double fieldMib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return parseKb(line.substring(field.length())) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** "   123456 kB" to 123456. */
    static double parseKb(String text) {
        return Double.parseDouble(text.trim().split("\\s+")[0]);
    }
}
