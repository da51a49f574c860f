package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.source.CaptureRunner;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
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
 * A snapshot requested from a new PostgreSQL source before its stream began (before its replication slot exists),
 * here of a standby just before it takes over, against the real PostgreSQL and Kafka: the request is answered 202
 * and the snapshot's reads of every row arrive in Kafka, although Debezium never streamed the request's row.
 */
@QuarkusTest
@QuarkusTestResource(value = PostgresEarlySnapshotResource.class, restrictToAnnotatedClass = true)
class PostgresEarlySnapshotRequestIT {

    @jakarta.inject.Inject
    CaptureRunner runner;

    @Test
    void aSnapshotRequestedBeforeTheStreamBeganIsTaken() {
        String table = PostgresEarlySnapshotResource.TABLE;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(PostgresEarlySnapshotResource.topic())) {
            // Asked of the standby (the signal table is in the source database); the instance that then takes over
            // has no offsets and no slot yet, so its stream begins at the slot it creates after this request was
            // committed, and Debezium never streams the request's row.
            await("the service standing by").atMost(Duration.ofSeconds(60)).until(() ->
                    runner.states().get(PostgresEarlySnapshotResource.SOURCE) == CaptureRunner.SourceState.STANDBY);
            given().contentType(ContentType.JSON).body("{\"tables\":[\"" + table + "\"]}")
                    .post("/sources/" + PostgresEarlySnapshotResource.SOURCE + "/snapshots").then().statusCode(202);
            PostgresEarlySnapshotResource.releaseLock();
            await("the service capturing").atMost(Duration.ofSeconds(60)).until(() ->
                    runner.states().get(PostgresEarlySnapshotResource.SOURCE) == CaptureRunner.SourceState.RUNNING);

            List<ConsumerRecord<byte[], byte[]>> records = reader.await(
                    r -> readKeys(r).size() >= PostgresEarlySnapshotResource.ROWS, Duration.ofSeconds(90));
            List<ChangeEvent> events = KafkaTestSupport.events(records);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.op()).isEqualTo(Op.READ);
                assertThat(e.source().snapshot()).isEqualTo("incremental");
            });
            assertThat(readKeys(records)).hasSize(PostgresEarlySnapshotResource.ROWS);
        }
    }

    private static Set<Long> readKeys(List<ConsumerRecord<byte[], byte[]>> records) {
        return KafkaTestSupport.events(records).stream().filter(e -> e.op() == Op.READ)
                .map(e -> e.after().get("id").asLong()).collect(Collectors.toSet());
    }
}
