package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.common.Node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
     * Capture failover: a second capture-service started as the standby (it waits for the source's leader lock), then
     * the leader killed with SIGKILL; the standby takes over from the offsets and state the leader left in Kafka
     * (the suite runs capture with {@code CDC_CAPTURE_OFFSET_STORE=kafka}). The repair starts the killed instance
     * again, now the standby, and stops the second one gracefully, which hands the source back to it: two takeovers.
     */
    record CaptureFailover() implements Fault {
        static final String STANDBY = "capture-service@2";

        public String name() {
            return "kill -9 the capture leader, " + STANDBY + " takes over (then hands back)";
        }

        public void inject() {
            Services.up(STANDBY);
            Services.kill("capture-service");
        }

        public void end() {
            Services.up("capture-service");
            Services.down(STANDBY);
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

    /**
     * Nodes of a several-broker Kafka (each broker and KRaft controller) killed with SIGKILL one after the other under
     * load, each chosen when its turn comes and followed by the hold, then all started again together. Of three nodes,
     * one killed leaves every partition two in-sync replicas ({@code min.insync.replicas=2}: producers go on once
     * leaders moved); a second leaves one voter of three and one replica, so producers stall until the restart.
     */
    record KillKafkaNodes(StackEndpoints stack, List<KafkaNode> picks, Duration hold, List<String> killed) implements Fault {

        KillKafkaNodes(StackEndpoints stack, List<KafkaNode> picks, Duration hold) {
            this(stack, picks, hold, new ArrayList<>());
        }

        public String name() {
            return "kill -9 " + String.join(", then ", picks.stream().map(KafkaNode::toString).toList())
                    + (killed.isEmpty() ? "" : " (" + String.join(", ", killed) + ")") + ", " + hold.toSeconds()
                    + " s each";
        }

        public void inject() {
            try (TestKafka kafka = TestKafka.of(stack)) {
                for (KafkaNode pick : picks) {
                    String server = "kafka-" + pick.choose(kafka);
                    System.out.printf("fault suite: kill -9 %s (%s)%n", server, pick);
                    Stack.kill(server);
                    killed.add(server);
                    pause(hold);
                }
            }
        }

        public void end() {
            if (!killed.isEmpty()) {
                Stack.start(killed.toArray(String[]::new));
            }
        }
    }

    /** Which Kafka node a {@link KillKafkaNodes} kills next, asked of the cluster when its turn comes. */
    enum KafkaNode {
        /** A broker that is not the active controller (the one of lowest id): it leads its share of the partitions. */
        BROKER("a broker"),
        /** The active KRaft controller, the leader of the metadata quorum (also a broker here). */
        CONTROLLER("the active controller");

        private final String description;

        KafkaNode(String description) {
            this.description = description;
        }

        int choose(TestKafka kafka) {
            try {
                int controller = kafka.admin().describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
                if (this == CONTROLLER) {
                    return controller;
                }
                return kafka.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().mapToInt(Node::id)
                        .filter(id -> id != controller).min()
                        .orElseThrow(() -> new IllegalStateException("no live Kafka broker besides the controller " + controller));
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Kafka did not say which node is " + description + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking Kafka for " + description, e);
            }
        }

        @Override
        public String toString() {
            return description;
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
                    case KillKafkaNodes k -> k.inject();
                    case CaptureFailover c -> c.inject();
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
