package io.cdcflow.registryclient;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the columns of an Avro envelope as Kafka Connect's AvroData writes it: the fixture is what Apicurio's port of
 * AvroData made of the Connect schema of a stock Debezium 3 PostgreSQL event (cdc-model's pg-insert-with-schema).
 */
class AvroRowsTest {

    @Test
    void readsTheColumnsOfDebeziumsAvroEnvelope() throws Exception {
        String avsc = Files.readString(Path.of("src/test/resources/avro/pg-customers-envelope.avsc"));

        RowSchema row = new RegisteredSchema(3, "AVRO", avsc).rowSchema().orElseThrow();

        assertThat(row.columns()).containsOnlyKeys("id", "email", "balance");
        assertThat(row.column("id").orElseThrow().type()).isEqualTo("int64");
        assertThat(row.column("id").orElseThrow().optional()).isFalse();
        assertThat(row.column("id").orElseThrow().defaultValue().asLong()).isZero();
        ColumnSchema balance = row.column("balance").orElseThrow();
        assertThat(balance.optional()).isTrue();
        assertThat(balance.type()).isEqualTo("bytes");
        assertThat(balance.logicalName()).isEqualTo("org.apache.kafka.connect.data.Decimal");
        assertThat(balance.intParameter("scale")).contains(2);
        assertThat(balance.intParameter("connect.decimal.precision")).contains(10);
        assertThat(balance.defaultValue()).isNull();
    }

    @Test
    void somethingThatIsNotAnEnvelopeHasNoRow() {
        assertThat(new RegisteredSchema(4, "AVRO", "{\"type\":\"string\"}").rowSchema()).isEmpty();
        assertThat(new RegisteredSchema(5, "AVRO", "not avro").rowSchema()).isEmpty();
    }
}
