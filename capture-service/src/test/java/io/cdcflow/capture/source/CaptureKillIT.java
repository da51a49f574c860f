package io.cdcflow.capture.source;

import io.cdcflow.capture.config.CaptureStrategy;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of the packaged capture-service in the middle of a stream, then a restart on the same state
 * folder, for every strategy on every database it supports. A writer commits {@value KillWorkload#TRANSACTIONS}
 * transactions of inserts, updates (a row twice in one transaction now and then) and deletes throughout, the kill
 * and the restart included. Then, per row, in topic order:
 * <ul>
 *   <li>a duplicate is only an exact re-delivery (same position, same operation and images);</li>
 *   <li>positions increase: the changes of a row arrive in commit order;</li>
 *   <li>log and trigger: the row's changes are exactly the committed ones, each with its before and after image;</li>
 *   <li>timestamp: the states published are committed states in commit order, ending with the row's final state
 *       (it cannot see intermediate states between polls, nor hard deletes, so the writer deletes softly).</li>
 * </ul>
 */
class CaptureKillIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(KillTarget.Case.class)
    void aKilledServiceLosesNothingAfterRestart(KillTarget.Case testCase) throws Exception {
        KillTarget target = KillTarget.of(testCase);
        Path state = Files.createTempDirectory("capture-kill-" + target.source());
        target.prepare();
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(target.topic())) {
            KillWorkload workload = new KillWorkload(target);
            PackagedCapture service = PackagedCapture.start("killit", state, target.properties())
                    .awaitReady(Duration.ofSeconds(90));
            try {
                // The probe row's event proves that capture is live (a log source's snapshot is over) before the load starts.
                workload.probe();
                reader.awaitNoSettle(r -> !r.isEmpty(), Duration.ofSeconds(60));

                CompletableFuture<Void> writer = CompletableFuture.runAsync(workload::run);
                int killAt = workload.expectedMinimumEvents() / 4;
                reader.awaitNoSettle(r -> r.size() >= killAt, Duration.ofSeconds(60));
                assertThat(writer).as("the kill must land in the middle of the stream").isNotDone();
                service.kill();
                Thread.sleep(1000); // the writer goes on committing while capture is down
                service = PackagedCapture.start("killit", state, target.properties()).awaitReady(Duration.ofSeconds(90));
                writer.get(120, TimeUnit.SECONDS);

                List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> workload.finalStatesReached(byRow(r)),
                        Duration.ofSeconds(120));
                Map<Long, List<ChangeEvent>> rows = byRow(records);
                int redelivered = 0;
                for (var history : workload.histories().entrySet()) {
                    List<ChangeEvent> received = rows.getOrDefault(history.getKey(), List.of());
                    List<ChangeEvent> distinct = distinctInCommitOrder(history.getKey(), received);
                    redelivered += received.size() - distinct.size();
                    if (target.strategy() == CaptureStrategy.timestamp) {
                        KillWorkload.assertStatesInOrderEndingWithTheLast(history.getKey(), history.getValue(), distinct);
                    } else {
                        KillWorkload.assertExactly(history.getKey(), history.getValue(), distinct);
                    }
                }
                assertThat(rows.keySet()).as("no events of rows that were never written").isSubsetOf(workload.histories().keySet());
                System.out.printf("capture kill -9 (%s): %d transactions, %d changes committed, %d events read, "
                                + "%d exact re-deliveries%n", testCase, KillWorkload.TRANSACTIONS, workload.changes(),
                        records.size(), redelivered);
            } finally {
                service.close();
            }
        } finally {
            target.cleanUp();
            deleteRecursively(state);
        }
    }

    /** Per row id but the probe's, its events in topic order (one row's events share a partition: their published order). */
    private static Map<Long, List<ChangeEvent>> byRow(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Long, List<ChangeEvent>> rows = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ChangeEvent e = ChangeEventSerde.readValue(r.value()).event();
            long id = e.row().get("id").asLong();
            if (id != KillWorkload.PROBE) {
                rows.computeIfAbsent(id, k -> new ArrayList<>()).add(e);
            }
        }
        return rows;
    }

    /**
     * The row's events without exact re-deliveries, asserting that a repeated position repeats the same change and
     * that new positions only grow.
     */
    private static List<ChangeEvent> distinctInCommitOrder(long id, List<ChangeEvent> received) {
        Map<io.cdcflow.model.Position, ChangeEvent> byPosition = new HashMap<>();
        List<ChangeEvent> distinct = new ArrayList<>();
        for (ChangeEvent e : received) {
            ChangeEvent earlier = byPosition.putIfAbsent(e.position(), e);
            if (earlier != null) {
                assertThat(sameChange(earlier, e)).as("row %d: a second event at position %s is an exact re-delivery (%s vs %s)",
                        id, e.position(), earlier, e).isTrue();
                continue;
            }
            if (!distinct.isEmpty()) {
                assertThat(e.position()).as("row %d: positions grow in commit order", id)
                        .isGreaterThan(distinct.getLast().position());
            }
            distinct.add(e);
        }
        return distinct;
    }

    private static boolean sameChange(ChangeEvent a, ChangeEvent b) {
        return a.op() == b.op() && Objects.equals(a.before(), b.before()) && Objects.equals(a.after(), b.after());
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

}
