package io.cdcflow.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the local stack through the project's launcher ({@code bin/stack up}) and reads where each server
 * listens ({@code bin/stack env}). The launcher is idempotent and the servers outlive the JVM, so the stack
 * starts once per build (or once per machine, when CI started it before the build) however many test classes
 * ask for it.
 */
public final class Stack {

    private static StackEndpoints endpoints;

    private Stack() {
    }

    /** Brings the stack up if it is not running yet and returns its endpoints. */
    public static synchronized StackEndpoints up() {
        if (endpoints == null) {
            Path launcher = launcher();
            run(List.of(launcher.toString(), "up"), Duration.UP);
            endpoints = new StackEndpoints(parseEnv(run(List.of(launcher.toString(), "env"), Duration.QUICK)));
        }
        return endpoints;
    }

    /** The repository's {@code bin/stack}, found from the working directory upwards, or from {@code CDC_HOME}. */
    public static Path launcher() {
        String home = System.getenv("CDC_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "bin", "stack");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("bin").resolve("stack");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("bin/stack not found above " + Path.of("").toAbsolutePath()
                + "; run the tests from the repository, or set CDC_HOME to the checkout");
    }

    /** The repository root (the folder that holds {@code bin/stack}). */
    public static Path home() {
        return launcher().getParent().getParent();
    }

    static Map<String, String> parseEnv(String output) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.startsWith("export ")) {
                l = l.substring("export ".length());
            }
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("#")) {
                String value = l.substring(eq + 1);
                if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
                    value = value.substring(1, value.length() - 1);
                }
                env.put(l.substring(0, eq), value);
            }
        }
        return env;
    }

    private enum Duration {
        QUICK(60), UP(1800);

        final long seconds;

        Duration(long seconds) {
            this.seconds = seconds;
        }
    }

    private static String run(List<String> command, Duration limit) {
        try {
            Path log = Files.createTempFile("cdc-stack", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(limit.seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + limit.seconds
                        + " s; its output is in " + log);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
            }
            Files.deleteIfExists(log);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
