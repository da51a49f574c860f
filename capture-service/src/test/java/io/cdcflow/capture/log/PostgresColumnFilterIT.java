package io.cdcflow.capture.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.jdbc.KafkaTestSupport;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.testkit.Stack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Column selection and masking of a log-based PostgreSQL source, against the real database and Kafka: the excluded
 * column is absent from the rows and from the Connect schema the router derives the registry schema from, the
 * hashed column carries a salted hash, the masked one asterisks; and a wrong column list fails at start-up naming
 * the property.
 */
@QuarkusTest
@QuarkusTestResource(value = ColumnFilterSourceResource.class, restrictToAnnotatedClass = true)
class PostgresColumnFilterIT {

    @Test
    void eventsLackExcludedColumnsAndCarryMaskedValues() throws Exception {
        try (Connection c = PostgresSourceResource.connect(Stack.up()); Statement s = c.createStatement()) {
            PostgresSourceResource.awaitActiveSlot("cdcflow_colfilters", Duration.ofSeconds(60));
            s.execute("INSERT INTO column_filters.people VALUES (1, 'Ann', 'ann@example.org', '123-45-6789', 'secret note', 41),"
                    + " (2, 'Bob', 'ann@example.org', '987-65-4321', 'other note', 52), (3, 'Cid', 'cid@example.org', null, null, 23)");
            s.execute("UPDATE column_filters.people SET notes = 'changed', age = 42 WHERE id = 1");
        }
        List<ConsumerRecord<byte[], byte[]>> records;
        try (KafkaTestSupport.Reader reader = new KafkaTestSupport.Reader(ColumnFilterSourceResource.TOPIC)) {
            records = reader.await(r -> r.size() >= 4, Duration.ofSeconds(90));
        }
        assertThat(records).hasSize(4);
        ChangeEvent ann = KafkaTestSupport.eventsOf(records, "{\"id\":1}").get(0);
        ChangeEvent bob = KafkaTestSupport.eventsOf(records, "{\"id\":2}").get(0);
        ChangeEvent cid = KafkaTestSupport.eventsOf(records, "{\"id\":3}").get(0);
        ChangeEvent annUpdate = KafkaTestSupport.eventsOf(records, "{\"id\":1}").get(1);
        for (ChangeEvent e : List.of(ann, bob, cid, annUpdate)) {
            assertThat(e.after().has("notes")).as("excluded column").isFalse();
            assertThat(e.after().get("name").asText()).isNotEmpty();
        }
        assertThat(annUpdate.before().has("notes")).isFalse();
        assertThat(annUpdate.after().get("age").asInt()).isEqualTo(42);
        String hash = ann.after().get("email").asText();
        assertThat(hash).isNotEqualTo("ann@example.org").matches("[0-9a-f]{64}");
        assertThat(bob.after().get("email").asText()).as("same value, same hash").isEqualTo(hash);
        assertThat(cid.after().get("email").asText()).as("other value, other hash").isNotEqualTo(hash);
        assertThat(ann.after().get("ssn").asText()).isEqualTo("******");
        assertThat(bob.after().get("ssn").asText()).isEqualTo("******");

        JsonNode schema = ChangeEventSerde.readValue(records.get(0).value()).connectSchema();
        JsonNode after = StreamSupport.stream(schema.get("fields").spliterator(), false)
                .filter(f -> f.get("field").asText().equals("after")).findFirst().orElseThrow();
        List<String> fields = new ArrayList<>();
        after.get("fields").forEach(f -> fields.add(f.get("field").asText() + ":" + f.get("type").asText()));
        assertThat(fields).containsExactly("id:int64", "name:string", "email:string", "ssn:string", "age:int32");
    }

    @Test
    void aWrongColumnListFailsNamingTheProperty() throws Exception {
        String prefix = "cdc.capture.sources.colfilters.log.";
        List<String> tables = List.of("column_filters.people");
        try (Connection c = PostgresSourceResource.connect(Stack.up())) {
            assertThatThrownBy(() -> new ColumnFilters(prefix, tables,
                    Map.of(ColumnFilters.EXCLUDE, List.of("column_filters.people.nosuch")), null, 8).check(c))
                    .hasMessage(prefix + "column-exclude-list: column column_filters.people.nosuch does not exist");
            assertThatThrownBy(() -> new ColumnFilters(prefix, tables,
                    Map.of(ColumnFilters.CHARS, List.of("column_filters.people.age")), null, 8).check(c))
                    .hasMessageContaining(prefix + "column-mask-chars: column column_filters.people.age is of type integer");
            assertThatThrownBy(() -> new ColumnFilters(prefix, tables,
                    Map.of(ColumnFilters.EXCLUDE, List.of("column_filters.people.id")), null, 8).check(c))
                    .hasMessageContaining("part of the primary key");
            assertThatThrownBy(() -> new ColumnFilters(prefix, tables,
                    Map.of(ColumnFilters.INCLUDE, List.of("column_filters.people.name")), null, 8).check(c))
                    .hasMessageContaining(prefix + "column-include-list: primary-key column column_filters.people.id must be included");
            new ColumnFilters(prefix, tables, Map.of(ColumnFilters.INCLUDE, List.of("column_filters.people.id", "column_filters.people.name")),
                    null, 8).check(c);
        }
    }
}
