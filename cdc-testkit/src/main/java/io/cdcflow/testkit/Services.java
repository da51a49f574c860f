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

    private Services() {
    }

    /** Starts the named services (all of them when none is named) and waits until each is ready. */
    public static void up(String... names) {
        Scripts.run(command("up", names), Scripts.LONG, Stack.up().env());
    }

    /** Stops the named services (all when none is named). */
    public static void down(String... names) {
        Scripts.run(command("down", names), Scripts.QUICK);
    }

    private static List<String> command(String verb, String... names) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Stack.home().resolve("bin").resolve("services").toString());
        cmd.add(verb);
        cmd.addAll(List.of(names));
        return cmd;
    }
}
