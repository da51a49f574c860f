package io.cdcflow.capture.source;

import io.cdcflow.capture.jdbc.TestDrivers;
import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Op;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source's own state across a failover without a shared volume ({@code state-store=kafka}): two packaged
 * capture-service replicas, each with its own empty state folder. The leader captures a table, is asked for a
 * repair (generation 1: the table read again, then swept), and is killed ({@code kill -9}) once the sweep is in
 * Kafka. The standby takes over and rows change. It must go on in generation 1 from the leader's state: its events
 * carry generation 1 (in generation 0 every sink would order them below the repair's reads and keep the old values),
 * it does not read the table again (the timestamp strategy's watermarks, the trigger's and the log's progress), and
 * a sink applying the topic by position equals the table row by row. {@code -Dcdc.it.state-store=file} runs it with
 * the state in the replicas' folders instead, as before the capture state topic: every case fails, the standby
 * publishing in generation 0.
 */
class CaptureStateFailoverIT {

    static {
        TestDrivers.load();
    }

    private static final int ROWS = 300;
    private static final int CHANGED = 20;
    private static final String TOOK_LOCK = "took the leader lock and starts capturing";
    private static final String STANDING_BY = "standing by";
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = KillTarget.Case.class, names = {"LOG_POSTGRESQL", "TRIGGER_MARIADB", "TIMESTAMP_POSTGRESQL"})
    void theStandbyGoesOnInTheRepairedGeneration(KillTarget.Case testCase) throws Exception {
        KillTarget target = KillTarget.of(testCase, "st");
        target.prepare();
        target.execute(target.insertRange(1, ROWS));
        Map<String, String> properties = new HashMap<>(target.properties());
        String prefix = "cdc.capture.sources." + target.source() + ".";
        String stateTopic = "capture-state-" + target.source();
        properties.put(prefix + "state-store", System.getProperty("cdc.it.state-store", "kafka"));
        properties.put("cdc.capture.state-topic", stateTopic);
        if (target.strategy() == CaptureStrategy.log) {
            properties.put(prefix + "log.offset-store", "kafka");
            properties.put(prefix + "log.offset-topic", "capture-offsets-" + target.source());
            // The offsets committed after the repair's snapshot still point at its signal until a later change or
            // heartbeat moves them on; a standby starting from there would read the table once more (duplicates).
            properties.put(prefix + "log.heartbeat-interval", "500ms");
        }
        List<PackagedCapture> replicas = new ArrayList<>();
        List<Path> stateDirs = new ArrayList<>();
        boolean passed = false;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(target.topic())) {
            PackagedCapture leader = start(target, properties, stateDirs, replicas);
            leader.awaitCapturing(DEADLINE);
            PackagedCapture standby = start(target, properties, stateDirs, replicas);
            standby.awaitLogLine(STANDING_BY, DEADLINE);
            reader.await(r -> ids(r, 0).size() >= ROWS, DEADLINE);

            var answer = leader.post("/sources/" + target.source() + "/repair",
                    "{\"tables\":[\"" + target.qualified() + "\"]}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            // The sweep follows the repair's reads; then the leader saves what it has read (once a second; the log
            // strategy, its offsets, past the signal at its next heartbeat).
            reader.await(r -> events(r).stream().anyMatch(e -> e.op() == Op.TRUNCATE && e.source().flag("cdc_sweep")),
                    DEADLINE);
            Thread.sleep(2_500);
            long killed = System.currentTimeMillis();
            leader.kill();
            standby.awaitLogLine(TOOK_LOCK, DEADLINE);
            standby.awaitCapturing(DEADLINE);

            try (Connection c = target.connect(); PreparedStatement update = c.prepareStatement(target.update());
                 PreparedStatement insert = c.prepareStatement(target.insert())) {
                for (int id = 1; id <= CHANGED; id++) {
                    update.setString(1, "after-" + id);
                    update.setLong(2, id);
                    update.executeUpdate();
                }
                insert.setLong(1, ROWS + 1);
                insert.setString(2, "inserted");
                insert.executeUpdate();
            }
            List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> ids(r, killed).size() >= CHANGED + 1, DEADLINE);

            List<Long> generations = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.timestamp() >= killed) {
                    generations.add(ChangeEventSerde.readValue(r.value()).event().source().longValue("cdc_generation").orElse(0L));
                }
            }
            assertThat(generations).as("the generation of every event the standby published").isNotEmpty()
                    .allMatch(g -> g == 1L);
            Set<Long> readAgain = ids(records, killed);
            readAgain.removeIf(id -> id <= CHANGED || id == ROWS + 1);
            assertThat(readAgain).as("rows the standby published again though nothing changed them (it went on from "
                    + "the leader's state instead of reading the table again)").isEmpty();
            Map<Long, String> table = target.names();
            assertThat(KafkaTestSupport.applyAsSinks(records, "name")).as("a sink applying the topic by position")
                    .isEqualTo(table);
            System.out.printf("capture state failover (%s): repaired in generation 1, leader killed, the standby "
                    + "published %d events, all in generation 1; the sink equals the table (%d rows)%n", testCase,
                    generations.size(), table.size());
            passed = true;
        } finally {
            for (PackagedCapture replica : replicas) {
                replica.close();
            }
            target.cleanUp();
            KafkaTestSupport.deleteTopics(stateTopic, "capture-offsets-" + target.source(),
                    "__debezium-heartbeat." + target.source());
            if (!passed) {
                stateDirs.forEach(dir -> System.out.println("capture state failover (" + testCase + "): a replica's log: "
                        + dir.resolve("service.log").toAbsolutePath()));
            }
        }
    }

    private static PackagedCapture start(KillTarget target, Map<String, String> properties, List<Path> stateDirs,
                                         List<PackagedCapture> replicas) throws Exception {
        Path state = Files.createDirectories(Path.of("target", "capture-state-failover")
                .resolve(target.source() + "-" + stateDirs.size()));
        stateDirs.add(state);
        PackagedCapture replica = PackagedCapture.start("failoverit", state, properties, "-Xmx256m");
        replicas.add(replica);
        return replica.awaitReady(DEADLINE);
    }

    private static List<ChangeEvent> events(List<ConsumerRecord<byte[], byte[]>> records) {
        return KafkaTestSupport.events(records);
    }

    /** Ids of the rows with an event produced at or after {@code since} (truncates have none). */
    private static Set<Long> ids(List<ConsumerRecord<byte[], byte[]>> records, long since) {
        Set<Long> ids = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ChangeEvent e = ChangeEventSerde.readValue(r.value()).event();
            if (r.timestamp() >= since && e.op() != Op.TRUNCATE) {
                ids.add(e.row().get("id").asLong());
            }
        }
        return ids;
    }


}
