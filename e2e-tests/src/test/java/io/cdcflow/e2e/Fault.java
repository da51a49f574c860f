package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One fault of the fault suite: {@link #inject} breaks something (and holds the outage, if it has a length),
 * {@link #end} repairs it and returns once the repaired part is ready again. {@link #end} must also be safe to call when {@link #inject} failed half-way, so that
 * the suite always leaves every server and service running.
 */
sealed interface Fault {

    String name();

    void inject();

    void end();

    /** Services killed with SIGKILL (a crash: no shutdown hook, no offset commit), then started again together. */
    record Kill(List<String> services) implements Fault {
        public String name() {
            return "kill -9 " + String.join("+", services);
        }

        public void inject() {
            Services.kill(services.toArray(String[]::new));
        }

        public void end() {
            // A thread per service, not the common pool, which the workload may be holding.
            CompletableFuture.allOf(services.stream()
                    .map(s -> CompletableFuture.runAsync(() -> Services.up(s),
                            task -> Thread.ofPlatform().name("restart-" + s).daemon().start(task)))
                    .toArray(CompletableFuture[]::new)).join();
        }
    }

    /**
     * DDL on a captured table in the middle of the workload, run while the router and a sink are killed with SIGKILL:
     * they come back to changes of both the old and the new shape, the new schema version not yet registered.
     */
    record Ddl(List<String> statements, List<String> killed) implements Fault {
        public String name() {
            return "DDL (" + String.join("; ", statements) + ") amid kill -9 " + String.join("+", killed);
        }

        public void inject() {
            Services.kill(killed.toArray(String[]::new));
            try (SourceDatabase source = new SourceDatabase(Stack.up())) {
                for (String statement : statements) {
                    source.execute(statement);
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the fault's DDL failed: " + e.getMessage(), e);
            }
        }

        public void end() {
            new Kill(killed).end();
        }
    }

    /** Servers of the stack stopped ({@code bin/stack down}) for a while, then started again with their data. */
    record StopServers(List<String> servers, Duration hold) implements Fault {
        public String name() {
            return String.join("+", servers) + " down " + hold.toSeconds() + " s";
        }

        public void inject() {
            Stack.stop(servers.toArray(String[]::new));
            pause(hold);
        }

        public void end() {
            Stack.start(servers.toArray(String[]::new));
        }
    }

    /** Services stopped for a while (an outage of, e.g., the schema registry), then started again. */
    record StopServices(List<String> services, Duration hold) implements Fault {
        public String name() {
            return String.join("+", services) + " down " + hold.toSeconds() + " s";
        }

        public void inject() {
            Services.down(services.toArray(String[]::new));
            pause(hold);
        }

        public void end() {
            Services.up(services.toArray(String[]::new));
        }
    }

    /**
     * More instances started under load, each waiting until ready: a scale-out, in which every started instance of
     * router-service or a sink joins its consumer group (a rebalance). They keep running after the scenario.
     */
    record ScaleOut(List<String> instances) implements Fault {
        public String name() {
            return "start " + String.join("+", instances);
        }

        public void inject() {
            Services.up(instances.toArray(String[]::new));
        }

        public void end() {
            // Nothing to repair: the new instances stay.
        }
    }

    /** Instances stopped gracefully under load: a scale-in, in which each leaves its consumer group (a rebalance). */
    record ScaleIn(List<String> instances) implements Fault {
        public String name() {
            return "stop " + String.join("+", instances);
        }

        public void inject() {
            Services.down(instances.toArray(String[]::new));
        }

        public void end() {
            // Nothing to repair: fewer instances are what was asked for.
        }
    }

    /** Every instance stopped gracefully and started again, one after the other, each ready before the next stops. */
    record RollingRestart(List<String> instances) implements Fault {
        public String name() {
            return "rolling restart of " + String.join("+", instances);
        }

        public void inject() {
            for (String instance : instances) {
                Services.down(instance);
                Services.up(instance);
            }
        }

        public void end() {
            Services.up(instances.toArray(String[]::new)); // running ones are left as they are
        }
    }

    /** Several faults at once: all injected, then all ended (servers before services, in the order given). */
    record Together(List<Fault> faults) implements Fault {
        public String name() {
            return String.join(" & ", faults.stream().map(Fault::name).toList());
        }

        public void inject() {
            // Holds overlap: each part is injected without its own pause, then the longest hold is waited once.
            Duration longest = Duration.ZERO;
            for (Fault f : faults) {
                switch (f) {
                    case Kill k -> k.inject();
                    case Ddl d -> d.inject();
                    case StopServers s -> {
                        Stack.stop(s.servers().toArray(String[]::new));
                        longest = max(longest, s.hold());
                    }
                    case StopServices s -> {
                        Services.down(s.services().toArray(String[]::new));
                        longest = max(longest, s.hold());
                    }
                    case Together t -> t.inject();
                    case ScaleOut o -> o.inject();
                    case ScaleIn i -> i.inject();
                    case RollingRestart r -> r.inject();
                }
            }
            pause(longest);
        }

        public void end() {
            List<Fault> ordered = new ArrayList<>(faults.stream().filter(f -> f instanceof StopServers).toList());
            ordered.addAll(faults.stream().filter(f -> !(f instanceof StopServers)).toList());
            RuntimeException first = null;
            for (Fault f : ordered) {
                try {
                    f.end();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }

        private static Duration max(Duration a, Duration b) {
            return a.compareTo(b) >= 0 ? a : b;
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a fault", e);
        }
    }
}
