package io.cdcflow.e2e;

import io.cdcflow.testkit.Services;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.testkit.TestKafka;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite: during a sustained workload on the inventory tables, faults are injected one at a time and then
 * several together (kill -9 of each service, Kafka, the source PostgreSQL, Redis, OpenSearch and the schema registry
 * unavailable, DDL on a captured table with the router and a sink killed around it), each followed by a wait until every sink holds exactly the source's rows. It prints, and writes to
 * {@code target/faults-report.md}, the changes in flight at each injection (committed at the source, not yet committed
 * by the slowest sink's consumer group), the restart time (until the repaired part is ready), the recovery time (from
 * the end of the fault, when the restart begins, until every sink equals the source) and the rows missing, extra and
 * stale per sink, and fails unless all are 0.
 *
 * <p>Two sizes: the short one (default, in {@code bin/test}: about 3,000 changes, 10 s outages, a few scenarios that
 * each combine several faults) and the full one ({@code bin/faults --full}, or {@code CDC_FAULTS_MODE=full}:
 * 100,000 changes, every fault alone and then together, 30 s outages). It stops and starts servers of the stack it
 * runs on and leaves them all running, as it leaves every service it killed.
 */
class FaultSuiteIT {

    private static final List<String> SERVICES =
            List.of("capture-service", "router-service", "warehouse-sink", "cache-sink", "search-sink");
    private static final List<String> SINKS = List.of("warehouse-sink", "cache-sink", "search-sink");
    /** What scales out as consumer groups: the router and the sinks. */
    private static final List<String> GROUPS = List.of("router-service", "warehouse-sink", "cache-sink", "search-sink");
    /** The prefixes of the topics the services create: raw, validated, dead letters and control, capture's own and its heartbeats. */
    private static final List<String> SERVICE_TOPICS = List.of("inventory.", "validated.", "cdc.", "cdcflow-", "__debezium-heartbeat");
    /** The brokers the Kafka scenarios need: one killed leaves two replicas, {@code min.insync.replicas}. */
    private static final int KAFKA_SCENARIO_BROKERS = 3;

    private static StackEndpoints stack;
    private static FaultWorkload workload;
    private static StoreStates states;
    private static SinkBacklog backlog;
    private static TestKafka kafka;
    private static List<String> captureTopics = List.of();

    @BeforeAll
    static void startEverything() throws Exception {
        Assumptions.assumeTrue(Mode.current() != null, "CDC_FAULTS_MODE=off: the fault suite is skipped");
        stack = Stack.up();
        try (SourceDatabase source = new SourceDatabase(stack)) {
            source.createSchema();
            source.execute(resource("/faults-workload.sql"));
        }
        // Capture's offsets and state in Kafka topics of this run, so that a second capture-service can stand by
        // (the failover scenario), as every restart of the suite starts it; one started before with its offsets in
        // files is restarted so. A new offset topic reads the tables once more first (snapshot reads, which every sink
        // orders below what it holds), then streams from the slot.
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        captureTopics = List.of("cdcflow-capture-offsets-faults-" + run, "cdcflow-capture-state-faults-" + run);
        Services.down("capture-service");
        Services.startWith(Map.of("CDC_CAPTURE_OFFSET_STORE", "kafka", "CDC_CAPTURE_OFFSET_TOPIC", captureTopics.get(0),
                "CDC_CAPTURE_STATE_TOPIC", captureTopics.get(1)));
        Services.up();
        workload = new FaultWorkload(stack);
        states = new StoreStates(stack);
        backlog = new SinkBacklog(stack);
        kafka = TestKafka.of(stack);
    }

    @AfterAll
    static void close() throws Exception {
        // Later tests start capture with its offsets in files again (see below).
        Services.startWith(Map.of());
        if (!captureTopics.isEmpty()) {
            Services.down("capture-service", Fault.CaptureFailover.STANDBY);
            try (TestKafka k = TestKafka.of(stack)) {
                k.deleteTopics(captureTopics);
            }
            // The offsets capture kept in its folder before the suite point behind where the suite's capture moved the
            // replication slot, which the next start would rightly refuse as a lost position: forgotten, so the next
            // capture reads the tables once more (snapshot reads, below what every sink holds) and streams from the slot.
            String stackHome = System.getenv().getOrDefault("CDC_STACK_HOME",
                    io.cdcflow.testkit.Stack.home().resolve(".stack").toString());
            java.nio.file.Files.deleteIfExists(Path.of(stackHome, "services", "capture-service", "inventory.offsets"));
        }
        if (backlog != null) {
            backlog.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (states != null) {
            states.close();
        }
    }

    @Test
    void everySinkConvergesToTheSourceAfterEachFault() throws Exception {
        Mode mode = Mode.current();
        states.takeBaseline();
        // A first batch without fault creates the topics, tables and indices, and proves the pipeline converges.
        workload.run(300, 300).get(60, TimeUnit.SECONDS);
        assertThat(converge(mode.convergeWithin()).equal()).as("the pipeline converges before any fault").isTrue();
        String kafkaNote = kafkaReplication();

        List<Fault> faults = mode.faults(stack);
        String only = System.getProperty("cdc.faults.only", "");
        if (!only.isBlank()) {
            // A few scenarios of a size, e.g. -Dcdc.faults.only=broker while working on one fault.
            faults = faults.stream().filter(f -> f.name().contains(only)).toList();
            Assumptions.assumeFalse(faults.isEmpty(), "no scenario's name contains cdc.faults.only=" + only);
        }
        long perScenario = mode.changes() / faults.size();
        FaultReport report = new FaultReport(mode + " fault suite: " + faults.size() + " scenarios of at least "
                + perScenario + " changes each; " + kafkaNote);
        for (Fault fault : faults) {
            report.add(scenario(fault, perScenario, mode));
            System.out.println(report.lines().getLast());
        }
        String table = report.markdown();
        System.out.println(table);
        report.write(Path.of("target", "faults-report.md"));

        for (FaultReport.Line line : report.lines()) {
            assertThat(line.diffs()).as("%s: missing/extra/stale per sink", line.fault())
                    .allSatisfy((sink, diff) -> assertThat(diff.equal()).as(sink + " " + diff).isTrue());
        }
    }

    /**
     * What the Kafka scenarios run on, for the report: with three brokers or more, every topic the services created
     * must have three replicas and {@code min.insync.replicas=2} (the stack's broker defaults, which the services'
     * topics take), or the suite fails; with fewer, the scenarios that kill brokers are left out.
     */
    private static String kafkaReplication() throws Exception {
        int brokers = stack.kafkaBrokers();
        if (brokers < KAFKA_SCENARIO_BROKERS) {
            String note = "Kafka: " + brokers + " broker, so the broker and controller kills are skipped (they need "
                    + KAFKA_SCENARIO_BROKERS + ": bin/faults --full, or CDC_KAFKA_BROKERS=3)";
            System.out.println("fault suite: " + note);
            return note;
        }
        Map<String, String> topics = new java.util.TreeMap<>();
        try (TestKafka kafka = TestKafka.of(stack)) {
            List<String> names = kafka.topics().stream()
                    .filter(t -> SERVICE_TOPICS.stream().anyMatch(t::startsWith)).toList();
            Map<String, TopicDescription> described = kafka.admin().describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<ConfigResource, Config> configs = kafka.admin().describeConfigs(names.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);
            described.forEach((name, d) -> topics.put(name, "RF " + d.partitions().stream()
                    .mapToInt(p -> p.replicas().size()).min().orElse(0) + ", min.insync.replicas " + configs
                    .get(new ConfigResource(ConfigResource.Type.TOPIC, name)).get("min.insync.replicas").value()));
        }
        System.out.println("fault suite: Kafka " + brokers + " brokers, the services' topics: " + topics);
        assertThat(topics).as("the topics the services created").isNotEmpty()
                .allSatisfy((topic, settings) -> assertThat(settings).as(topic).isEqualTo("RF 3, min.insync.replicas 2"));
        return "Kafka: " + brokers + " brokers, " + topics.size() + " topics of the services, each RF 3, min.insync.replicas 2";
    }

    private FaultReport.Line scenario(Fault fault, long changes, Mode mode) throws Exception {
        backlog.mark();
        Map<String, SinkCounters.Count> countersBefore = SinkCounters.read(SINKS);
        PartitionStalls stalls = new PartitionStalls(backlog, SinkBacklog.GROUPS);
        stalls.start();
        ProduceStalls produceStalls = new ProduceStalls(kafka, workload::committed);
        produceStalls.start();
        long startCount = workload.committed();
        // The load lasts as long as the fault does, however long its injection and repair take.
        java.util.concurrent.atomic.AtomicBoolean faulting = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Void> load = workload.run(changes, mode.changesPerSecond(), faulting::get);
        while (workload.committed() < startCount + changes / 3 && !load.isDone()) {
            Thread.sleep(20);
        }
        long inFlight = Math.max(0, workload.committed() - startCount - backlog.slowestConsumedSinceMark());
        System.out.printf("fault suite: injecting %s with %d changes in flight%n", fault.name(), inFlight);
        long ended;
        long repaired;
        try {
            fault.inject();
        } finally {
            ended = System.nanoTime(); // the outage is over: the repair (restart) begins
            fault.end();
            repaired = System.nanoTime();
            faulting.set(false);
        }
        load.get(10, TimeUnit.MINUTES);
        Result result = convergeTimed(mode.convergeWithin());
        Map<String, Double> longestStalls = stalls.stop();
        Map<String, SinkCounters.Count> countersAfter = SinkCounters.read(SINKS);
        return new FaultReport.Line(fault.name(), workload.committed() - startCount, inFlight,
                (repaired - ended) / 1e9, Math.max(0, (result.at() - ended) / 1e9),
                result.diffs().values().stream().allMatch(RowDiff::equal), result.diffs(),
                SinkCounters.between(countersBefore, countersAfter, SINKS), longestStalls, produceStalls.stop(),
                SinkCounters.p99Between(countersBefore, countersAfter, SINKS));
    }

    private record Result(long at, Map<String, RowDiff> diffs) {
    }

    /**
     * Compares every sink with the source until all are equal or the time is up; returns the last comparison. A read
     * that fails (a store still starting) is tried again until the time is up.
     */
    private Result convergeTimed(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long at = System.nanoTime();
            try {
                Map<String, RowDiff> diffs = compare();
                if (diffs.values().stream().allMatch(RowDiff::equal) || System.nanoTime() > deadline) {
                    return new Result(at, diffs);
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("fault suite: a store could not be read yet, trying again: " + e);
            }
            Thread.sleep(1000);
        }
    }

    private RowDiff converge(Duration within) throws Exception {
        Map<String, RowDiff> diffs = convergeTimed(within).diffs();
        return diffs.values().stream().filter(d -> !d.equal()).findFirst().orElse(new RowDiff(0, 0, 0));
    }

    private Map<String, RowDiff> compare() throws Exception {
        StoreStates.State source = states.source();
        Map<String, RowDiff> diffs = new LinkedHashMap<>();
        diffs.put("warehouse", RowDiff.between(source, states.warehouse()));
        diffs.put("redis", RowDiff.between(source, states.redis()));
        diffs.put("opensearch", RowDiff.between(source, states.openSearch()));
        return diffs;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FaultSuiteIT.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The suite's size: {@code short} (default) or {@code full}, from {@code cdc.faults.mode} or
     * {@code CDC_FAULTS_MODE}; {@code off} (null here) skips the suite, for a stack whose servers must not be stopped.
     */
    enum Mode {
        SHORT(3_000, 150, Duration.ofSeconds(10), Duration.ofSeconds(120)),
        FULL(100_000, 400, Duration.ofSeconds(30), Duration.ofSeconds(300));

        private final long changes;
        private final int changesPerSecond;
        private final Duration outage;
        private final Duration convergeWithin;

        Mode(long changes, int changesPerSecond, Duration outage, Duration convergeWithin) {
            this.changes = changes;
            this.changesPerSecond = changesPerSecond;
            this.outage = outage;
            this.convergeWithin = convergeWithin;
        }

        static Mode current() {
            String value = System.getProperty("cdc.faults.mode", System.getenv().getOrDefault("CDC_FAULTS_MODE", "short"));
            return switch (value) {
                case "short" -> SHORT;
                case "full" -> FULL;
                case "off" -> null;
                default -> throw new IllegalStateException("cdc.faults.mode / CDC_FAULTS_MODE=" + value + ": use short, full or off");
            };
        }

        long changes() {
            return changes;
        }

        int changesPerSecond() {
            return changesPerSecond;
        }

        Duration convergeWithin() {
            return convergeWithin;
        }

        /** The scenarios, in order; those that kill Kafka nodes only when {@code stack} runs three brokers or more. */
        List<Fault> faults(StackEndpoints stack) {
            Duration kafkaDown = this == SHORT ? Duration.ofSeconds(5) : Duration.ofSeconds(10);
            boolean brokers = stack.kafkaBrokers() >= KAFKA_SCENARIO_BROKERS;
            Duration sourceDown = Duration.ofSeconds(5);
            // Idempotent, so that a rerun on the same stack finds the table as the first run left it.
            Fault ddl = new Fault.Ddl(List.of("ALTER TABLE products ALTER COLUMN price TYPE numeric(14,2)",
                    "ALTER TABLE products ADD COLUMN IF NOT EXISTS fault_note text DEFAULT 'after the DDL'"),
                    List.of("router-service", "warehouse-sink"));
            List<String> second = instances(2);
            if (this == SHORT) {
                List<Fault> faults = new java.util.ArrayList<>(List.of(
                        new Fault.Kill(SERVICES),
                        new Fault.CaptureFailover(),
                        ddl,
                        new Fault.StopServers(List.of("kafka"), kafkaDown)));
                if (brokers) {
                    faults.add(new Fault.KillKafkaNodes(stack, List.of(Fault.KafkaNode.BROKER), kafkaDown));
                }
                faults.addAll(List.of(
                        new Fault.StopServers(List.of("pg-source"), sourceDown),
                        new Fault.Together(List.of(new Fault.StopServers(List.of("redis", "opensearch"), outage),
                                new Fault.StopServices(List.of("schema-registry"), outage))),
                        // Consumer-group scale-out: a second instance of the router and of each sink joins its group,
                        // then one instance of each is killed (its partitions move to the other, then back), then the
                        // second instances leave again.
                        new Fault.ScaleOut(second),
                        new Fault.Kill(second),
                        new Fault.ScaleIn(second)));
                return faults;
            }
            List<Fault> kafkaNodes = !brokers ? List.of() : List.of(
                    // One broker, then the controller, alone (producers go on after the leaders moved); then a broker
                    // and the controller after it, which leaves one node of three (producers stall until the restart).
                    new Fault.KillKafkaNodes(stack, List.of(Fault.KafkaNode.BROKER), kafkaDown),
                    new Fault.KillKafkaNodes(stack, List.of(Fault.KafkaNode.CONTROLLER), kafkaDown),
                    new Fault.KillKafkaNodes(stack, List.of(Fault.KafkaNode.BROKER, Fault.KafkaNode.CONTROLLER), kafkaDown));
            return java.util.stream.Stream.concat(kafkaNodes.stream(), List.of(
                    ddl,
                    new Fault.Kill(List.of("warehouse-sink")),
                    new Fault.Kill(List.of("cache-sink")),
                    new Fault.Kill(List.of("search-sink")),
                    new Fault.Kill(List.of("router-service")),
                    new Fault.Kill(List.of("capture-service")),
                    new Fault.CaptureFailover(),
                    new Fault.StopServers(List.of("kafka"), kafkaDown),
                    new Fault.StopServers(List.of("pg-source"), sourceDown),
                    new Fault.StopServers(List.of("redis"), outage),
                    new Fault.StopServers(List.of("opensearch"), outage),
                    new Fault.StopServices(List.of("schema-registry"), outage),
                    new Fault.Kill(SERVICES),
                    new Fault.Together(List.of(new Fault.StopServers(List.of("kafka", "pg-source", "redis", "opensearch"), outage),
                            new Fault.StopServices(List.of("schema-registry"), outage),
                            new Fault.Kill(List.of("router-service", "warehouse-sink")))),
                    new Fault.ScaleOut(second),
                    new Fault.Kill(instances(1)),
                    new Fault.ScaleOut(instances(3)),
                    new Fault.RollingRestart(java.util.stream.Stream.of(1, 2, 3).flatMap(n -> instances(n).stream()).toList()),
                    new Fault.ScaleIn(java.util.stream.Stream.concat(second.stream(), instances(3).stream()).toList())).stream())
                    .toList();
        }

        /** Instance {@code n} of the router and of each sink. */
        private static List<String> instances(int n) {
            return GROUPS.stream().map(s -> Services.instance(s, n)).toList();
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
