package io.cdcflow.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.cdcflow.bench.report.BenchResults;

/** The machine a run measured on: cores, memory, load average before and after, JVM, OS and the services' JVM options. */
final class MachineInfo {

    private MachineInfo() {
    }

    /** Describes the machine now, at the end of a run that began with load average {@code loadBefore}. */
    static BenchResults.Machine describe(String loadBefore, BenchEnv env) {
        return new BenchResults.Machine(Runtime.getRuntime().availableProcessors(), memoryMib(), loadBefore, loadAverage(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), System.getProperty("os.name") + " "
                + System.getProperty("os.version"), env.serviceJavaOpts());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static long memoryMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
