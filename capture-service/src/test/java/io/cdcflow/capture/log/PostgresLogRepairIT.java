package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * {@code POST /sources/{source}/repair} on a log-based PostgreSQL source whose topic lost changes (made while the
 * table was out of the publication, so the stream never carried them): the source restarts in generation 1, reads
 * the table again by a blocking snapshot and publishes its sweep, after which a sink applying the topic by the
 * position rule holds exactly the table's rows.
 */
@QuarkusTest
@QuarkusTestResource(value = LogRepairResource.class, restrictToAnnotatedClass = true)
class PostgresLogRepairIT {

    @Test
    void aRepairMakesWhatTheSinksHoldEqualTheTableAgain() throws Exception {
        given().contentType(ContentType.JSON).body("{\"tables\":[\"log_repair.other\"]}")
                .post("/sources/logrepair/repair").then().statusCode(400).body("error", containsString("log_repair.other"));
        given().contentType(ContentType.JSON).body("{}").post("/sources/nosuch/repair").then().statusCode(404);

        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(LogRepairResource.topic(LogRepairResource.ITEMS));
             Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            reader.await(r -> r.size() >= LogRepairResource.ROWS, Duration.ofSeconds(60)); // the initial snapshot
            PostgresSourceResource.awaitActiveSlot(LogRepairResource.SLOT, Duration.ofSeconds(60));
            s.execute("UPDATE " + LogRepairResource.ITEMS + " SET name = 'streamed' WHERE id = 1");
            // Changes the stream never carries: the table is out of the publication while they are made.
            s.execute("ALTER PUBLICATION " + LogRepairResource.SLOT + " DROP TABLE " + LogRepairResource.ITEMS);
            s.execute("DELETE FROM " + LogRepairResource.ITEMS + " WHERE id IN (5, 6)");
            s.execute("UPDATE " + LogRepairResource.ITEMS + " SET name = 'lost' WHERE id = 7");
            s.execute("ALTER PUBLICATION " + LogRepairResource.SLOT + " ADD TABLE " + LogRepairResource.ITEMS);
            s.execute("UPDATE " + LogRepairResource.ITEMS + " SET name = 'streamed' WHERE id = 2");
            List<ConsumerRecord<byte[], byte[]>> before = reader.await(r -> KafkaTestSupport.applyAsSinks(r, "name")
                    .get(2L).equals("streamed"), Duration.ofSeconds(60));
            assertThat(KafkaTestSupport.applyAsSinks(before, "name")).as("the sinks drifted").containsKeys(5L, 6L)
                    .containsEntry(7L, "item-7");

            // Through the command line, as a user would.
            assertThat(cdcflow("repair", "logrepair", "log_repair.items")).startsWith("0:repair requested: ");

            Map<Long, String> expected = tableState(s);
            List<ConsumerRecord<byte[], byte[]>> records = reader.await(r -> KafkaTestSupport.applyAsSinks(r, "name")
                    .equals(expected), Duration.ofSeconds(120));
            List<ChangeEvent> events = KafkaTestSupport.events(records);
            assertThat(events.stream().filter(e -> e.op() == Op.TRUNCATE).map(ChangeEvent::position))
                    .containsExactly(Position.floor(1));
            assertThat(events.stream().filter(e -> e.op() == Op.READ && e.position().generation() == 1).count())
                    .isEqualTo(LogRepairResource.ROWS - 2);
            // Changes streamed after the repair are of the new generation too.
            s.execute("UPDATE " + LogRepairResource.ITEMS + " SET name = 'after' WHERE id = 3");
            List<ChangeEvent> after = KafkaTestSupport.events(reader.await(r -> KafkaTestSupport.applyAsSinks(r, "name")
                    .get(3L).equals("after"), Duration.ofSeconds(60)));
            assertThat(after.getLast().position().generation()).isEqualTo(1);
        }
    }

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL root;

    /** Runs {@code bin/cdcflow} against this test's capture-service; returns "exit code:output". */
    private String cdcflow(String... args) throws Exception {
        return CdcflowCli.run(root, args);
    }

    private static Map<Long, String> tableState(Statement s) throws Exception {
        Map<Long, String> out = new HashMap<>();
        try (ResultSet rs = s.executeQuery("SELECT id, name FROM " + LogRepairResource.ITEMS)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }
}
