package io.cdcflow.capture.trigger;

import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.capture.source.CaptureRunner;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.testkit.Stack;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trigger strategy inside capture-service: configured through {@code cdc.capture.sources.*}, started by
 * the runner, published through the service's Kafka publisher and counted in its metrics.
 */
@QuarkusTest
@QuarkusTestResource(value = TriggerSourceResource.class, restrictToAnnotatedClass = true)
class TriggerCaptureServiceIT {

    @Inject
    CaptureRunner runner;
    @Inject
    MeterRegistry meters;

    @Test
    void aConfiguredTriggerSourceCapturesThroughTheService() throws Exception {
        await("the source running").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(runner.states()).containsEntry(TriggerSourceResource.SOURCE, CaptureRunner.SourceState.RUNNING));
        var stack = Stack.up();
        try (Connection c = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD")); Statement s = c.createStatement();
             KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(TriggerSourceResource.TOPIC)) {
            s.execute("INSERT INTO " + TriggerSourceResource.SCHEMA + ".items VALUES (1, 'one', 1.10)");
            s.execute("UPDATE " + TriggerSourceResource.SCHEMA + ".items SET price = 2.20 WHERE id = 1");
            List<ConsumerRecord<byte[], byte[]>> records = reader.await(2);
            List<ChangeEvent> events = KafkaTestSupport.eventsOf(records, "{\"id\":1}");
            assertThat(events).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE);
            assertThat(events.get(1).after().get("price").decimalValue()).isEqualByComparingTo("2.20");
        }
        assertThat(meters.find("cdc.capture.events").tag("source", TriggerSourceResource.SOURCE).tag("op", "u").counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
    }
}
