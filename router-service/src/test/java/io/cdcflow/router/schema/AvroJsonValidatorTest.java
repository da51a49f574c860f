package io.cdcflow.router.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class AvroJsonValidatorTest {

    private static final org.apache.avro.Schema SCHEMA;

    static {
        Schema row = SchemaBuilder.struct().name("t.Value").optional()
                .field("id", Schema.INT64_SCHEMA)
                .field("qty", Schema.INT32_SCHEMA)
                .field("price", Decimal.builder(2).parameter("connect.decimal.precision", "10").build())
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("blob", Schema.OPTIONAL_BYTES_SCHEMA).build();
        SCHEMA = new EnvelopeSchemas().valueSchema(SchemaBuilder.struct().name("t.Envelope")
                .field("before", row).field("after", row)
                .field("source", SchemaBuilder.struct().field("lsn", Schema.INT64_SCHEMA).build())
                .field("op", Schema.STRING_SCHEMA).build());
    }

    private static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void aConformingEventHasNoViolationsAndItsBase64DecimalBecomesANumber() throws Exception {
        String unscaled = Base64.getEncoder().encodeToString(new BigInteger("1234").toByteArray());
        JsonNode e = json("{\"before\":null,\"after\":{\"id\":1,\"qty\":2,\"price\":\"" + unscaled + "\","
                + "\"tags\":[\"a\"],\"blob\":\"AAE=\"},\"source\":{\"lsn\":5,\"extra\":true},\"op\":\"c\"}");

        assertThat(AvroJsonValidator.check(SCHEMA, e)).isEmpty();
        assertThat(e.at("/after/price").decimalValue()).isEqualTo(new BigDecimal("12.34"));
        assertThat(e.at("/after/price").isNumber()).isTrue();
    }

    @Test
    void eachMismatchIsNamedWithItsPath() throws Exception {
        JsonNode e = json("{\"before\":null,\"after\":{\"id\":\"one\",\"qty\":3000000000,\"price\":\"not base64!\","
                + "\"tags\":[1],\"color\":\"red\"},\"source\":{\"lsn\":5},\"op\":\"c\"}");

        assertThat(AvroJsonValidator.check(SCHEMA, e)).containsExactlyInAnyOrder(
                "after.id: expected a long, got string \"one\"",
                "after.qty: expected an int, got number 3000000000",
                "after.price: not a decimal (a number, or base64 of its unscaled bytes): not base64!",
                "after.tags[0]: expected a string, got number 1",
                "after.color: not a field of t.Value");
    }

    @Test
    void aMissingEnvelopeFieldWithoutDefaultIsAViolation() throws Exception {
        assertThat(AvroJsonValidator.check(SCHEMA, json("{\"after\":{\"id\":1},\"source\":{\"lsn\":1}}")))
                .containsExactly("op: missing, and the schema has no default for it");
    }
}
