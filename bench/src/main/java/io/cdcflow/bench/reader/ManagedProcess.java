package io.cdcflow.bench.reader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process the bench starts (a capture-service, Kafka Connect, pg_recvlogical) with its output in a log
 * file; stopping it sends SIGTERM, then SIGKILL after 20 s. Its peak RSS is read from {@code /proc}.
 */
public final class ManagedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final long startedMs;
    private final Path log;

    private ManagedProcess(String name, Process process, long startedMs, Path log) {
        this.name = name;
        this.process = process;
        this.startedMs = startedMs;
        this.log = log;
    }

    /** Starts {@code command} in {@code workDir}, appending stdout and stderr to {@code log}. */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log)
            throws IOException {
        Files.createDirectories(workDir);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long started = System.currentTimeMillis();
        return new ManagedProcess(name, pb.start(), started, log);
    }

    public long startedMs() {
        return startedMs;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Fails naming the log when the process has exited. */
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with status " + process.exitValue() + "; see " + log);
        }
    }

    /** Peak resident set size in MiB ({@code VmHWM}), or NaN when /proc does not tell. */
    public double peakRssMib() {
        return Rss.peakMib(process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
