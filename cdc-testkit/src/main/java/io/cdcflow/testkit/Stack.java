package io.cdcflow.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the servers tests need and says where they listen. By default through the project's launcher
 * ({@code bin/stack up}, then {@code bin/stack env}): it is idempotent and the servers outlive the JVM, so the
 * stack starts once per build (or once per machine, when CI started it first) however many test classes ask.
 * With {@code CDC_STACK_BACKEND=containers}, or {@code auto} (the default) when a Docker engine answers, the same
 * servers run as Testcontainers containers instead, once per JVM; {@code CDC_STACK_BACKEND=local} forces the
 * launcher.
 */
public final class Stack {

    private static StackEndpoints endpoints;

    private Stack() {
    }

    /** Brings the stack up if it is not running yet and returns its endpoints. */
    public static synchronized StackEndpoints up() {
        registerJdbcDrivers();
        if (endpoints == null) {
            endpoints = new StackEndpoints(useContainers() ? ContainerStack.start() : startLocal());
        }
        return endpoints;
    }

    /**
     * Registers the JDBC drivers of the caller's class loader. When a {@code @QuarkusTest} ran first in the JVM,
     * {@code DriverManager} registered its drivers from Quarkus' class loader, which a plain test cannot use ("No
     * suitable driver"); loading a driver class registers it for this class loader. Drivers not on the class path
     * are skipped.
     */
    private static void registerJdbcDrivers() {
        for (String driver : new String[]{"org.postgresql.Driver", "org.mariadb.jdbc.Driver"}) {
            try {
                Class.forName(driver);
            } catch (ClassNotFoundException e) {
                // not a dependency of this test module
            }
        }
    }

    /**
     * Stops the named servers of the local stack ({@code bin/stack down}), for fault tests; {@link #start} brings
     * them back with their data. Not available with the containers backend.
     */
    public static void stop(String... servers) {
        Scripts.run(serverCommand("down", servers), Scripts.LONG);
    }

    /**
     * Kills the named servers of the local stack with SIGKILL ({@code bin/stack kill}), as a crash would; {@link #start}
     * brings them back with their data. Not available with the containers backend.
     */
    public static void kill(String... servers) {
        Scripts.run(serverCommand("kill", servers), Scripts.QUICK);
    }

    /** Starts the named servers of the local stack again ({@code bin/stack up}) and waits until each answers. */
    public static void start(String... servers) {
        Scripts.run(serverCommand("up", servers), Scripts.LONG);
    }

    private static List<String> serverCommand(String verb, String... servers) {
        if (servers.length == 0) {
            throw new IllegalArgumentException("name the servers to " + verb);
        }
        if (useContainers()) {
            throw new IllegalStateException("stopping and starting servers needs the local stack (CDC_STACK_BACKEND=local)");
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher().toString(), verb));
        cmd.addAll(List.of(servers));
        return cmd;
    }

    private static Map<String, String> startLocal() {
        Path launcher = launcher();
        Scripts.run(List.of(launcher.toString(), "up"), Scripts.LONG);
        return parseEnv(Scripts.run(List.of(launcher.toString(), "env"), Scripts.QUICK));
    }

    private static boolean useContainers() {
        String backend = System.getenv().getOrDefault("CDC_STACK_BACKEND", "auto");
        return switch (backend) {
            case "local" -> false;
            case "containers" -> true;
            case "auto" -> ContainerStack.dockerAvailable();
            default -> throw new IllegalStateException("CDC_STACK_BACKEND=" + backend + ": use local, containers or auto");
        };
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

}
