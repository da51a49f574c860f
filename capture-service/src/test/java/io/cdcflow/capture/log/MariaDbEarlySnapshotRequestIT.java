package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.source.CaptureRunner;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A snapshot requested from a new MariaDB source before its stream has taken its binlog position (so before any
 * streamed event), here of a standby just before it takes over, against the real MariaDB and Kafka: the request is
 * answered 202 and the snapshot's reads of every row arrive in Kafka, although Debezium never streamed the
 * request's row.
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbEarlySnapshotResource.class, restrictToAnnotatedClass = true)
class MariaDbEarlySnapshotRequestIT {

    @jakarta.inject.Inject
    CaptureRunner runner;

    @Test
    void aSnapshotRequestedBeforeTheStreamBeganIsTaken() {
        String table = Stack.up().get("CDC_MARIADB_DB") + "." + MariaDbEarlySnapshotResource.TABLE;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(MariaDbEarlySnapshotResource.topic(Stack.up()))) {
            // Asked of the standby (the signal table is in the source database); the instance that then takes over
            // has no offsets, so its stream begins at a binlog position taken after this request was committed, and
            // Debezium never streams the request's row.
            await("the service standing by").atMost(Duration.ofSeconds(60)).until(() ->
                    runner.states().get(MariaDbEarlySnapshotResource.SOURCE) == CaptureRunner.SourceState.STANDBY);
            given().contentType(ContentType.JSON).body("{\"tables\":[\"" + table + "\"]}")
                    .post("/sources/" + MariaDbEarlySnapshotResource.SOURCE + "/snapshots").then().statusCode(202);
            MariaDbEarlySnapshotResource.releaseLock();
            await("the service capturing").atMost(Duration.ofSeconds(60)).until(() ->
                    runner.states().get(MariaDbEarlySnapshotResource.SOURCE) == CaptureRunner.SourceState.RUNNING);

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(
                    r -> readKeys(r).size() >= MariaDbEarlySnapshotResource.ROWS, Duration.ofSeconds(90));
            List<ChangeEvent> events = KafkaTestSupport.events(records);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.op()).isEqualTo(Op.READ);
                assertThat(e.source().snapshot()).isEqualTo("incremental");
            });
            assertThat(readKeys(records)).hasSize(MariaDbEarlySnapshotResource.ROWS);
        }
    }

    private static Set<Long> readKeys(List<ConsumerRecord<byte[], byte[]>> records) {
        return KafkaTestSupport.events(records).stream().filter(e -> e.op() == Op.READ)
                .map(e -> e.after().get("id").asLong()).collect(Collectors.toSet());
    }
}
