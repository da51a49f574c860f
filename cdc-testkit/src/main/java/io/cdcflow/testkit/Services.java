package io.cdcflow.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts the project's services from their built jars through {@code bin/services} (the same launcher the demo
 * uses), on the local stack, and stops them. For end-to-end tests; a service test of one module uses
 * {@code @QuarkusTest} instead. The services get the stack's addresses through {@code CDC_*} variables, whichever
 * backend started it.
 */
public final class Services {

    /** Variables every start adds to the stack's, until cleared ({@link #startWith}). */
    private static volatile java.util.Map<String, String> startEnv = java.util.Map.of();

    private Services() {
    }

    /**
     * From now on, every start (by any test of this JVM, a fault's restart included) adds {@code env} to the stack's
     * variables, until called again ({@code Map.of()} clears it): a suite that runs the services in another
     * configuration throughout, e.g. capture's offsets in Kafka so that a second capture-service can stand by.
     */
    public static void startWith(java.util.Map<String, String> env) {
        startEnv = java.util.Map.copyOf(env);
    }

    /** Starts the named services (all of them when none is named) and waits until each is ready. */
    public static void up(String... names) {
        up(java.util.Map.of(), names);
    }

    /**
     * Starts the named services with environment variables added to the stack's (a configuration a test needs, such
     * as {@code CDC_CAPTURE_TABLES}) and waits until each is ready; running ones are left as they are.
     */
    public static void up(java.util.Map<String, String> env, String... names) {
        Scripts.run(command("up", names), Scripts.LONG, startEnvironment(env));
    }

    /** The stack's variables, then those of {@link #startWith}, then {@code env}. */
    private static java.util.Map<String, String> startEnvironment(java.util.Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>(Stack.up().env());
        all.putAll(startEnv);
        all.putAll(env);
        return all;
    }

    /** Kills the named services with SIGKILL, as a crash would: no shutdown hook, no final offset commit. */
    public static void kill(String... names) {
        Scripts.run(command("kill", names), Scripts.QUICK);
    }

    /** Stops the named services or instances (all, every instance, when none is named). */
    public static void down(String... names) {
        Scripts.run(command("down", names), Scripts.QUICK);
    }

    /**
     * Runs {@code count} instances of a service ({@code bin/services scale}): starts the missing ones and waits until
     * they are ready, stops those above {@code count}. Instances of router-service and the sinks share one consumer
     * group, so each start or stop is a rebalance.
     */
    public static void scale(String service, int count) {
        Scripts.run(List.of(Stack.home().resolve("bin").resolve("services").toString(), "scale", service,
                Integer.toString(count)), Scripts.LONG, startEnvironment(java.util.Map.of()));
    }

    /** The name {@code bin/services} gives instance {@code n} of a service: the service's own for 1, else {@code service@n}. */
    public static String instance(String service, int n) {
        if (n < 1 || n > 9) {
            throw new IllegalArgumentException("instance " + n + " of " + service + ": bin/services runs instances 1 to 9");
        }
        return n == 1 ? service : service + "@" + n;
    }

    /**
     * The schema registry's write credential ({@code cdc}, this password), which {@code bin/services} generates
     * once per stack and gives the registry and the router.
     */
    public static String registryPassword() {
        String stackHome = System.getenv().getOrDefault("CDC_STACK_HOME", Stack.home().resolve(".stack").toString());
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(stackHome, "secrets", "registry-password")).strip();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no registry password yet: start the registry with Services.up first", e);
        }
    }

    /**
     * The HTTP port of a service (or instance, {@code service@n}) started by {@code bin/services}:
     * {@code CDC_SERVICES_PORT_BASE} (default 18080) plus the service's offset in {@code bin/lib/services.tsv}, which
     * that script reads too, plus 100 for each instance after the first.
     */
    public static int port(String name) {
        String base = System.getenv().getOrDefault("CDC_SERVICES_PORT_BASE", "18080");
        int at = name.indexOf('@');
        int instance = at < 0 ? 1 : Integer.parseInt(name.substring(at + 1));
        String service = at < 0 ? name : name.substring(0, at);
        return Integer.parseInt(base) + ServiceMap.read(Stack.home()).offset(service) + 100 * (instance - 1);
    }

    /** The base URL of a service started by {@code bin/services}, e.g. {@code http://127.0.0.1:18081}. */
    public static String url(String name) {
        return "http://127.0.0.1:" + port(name);
    }

    private static List<String> command(String verb, String... names) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Stack.home().resolve("bin").resolve("services").toString());
        cmd.add(verb);
        cmd.addAll(List.of(names));
        return cmd;
    }
}
