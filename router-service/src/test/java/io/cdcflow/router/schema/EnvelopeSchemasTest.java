package io.cdcflow.router.schema;

import org.apache.avro.SchemaCompatibility;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compatibility verdict, under BACKWARD (the new schema reads data written with the old one, as Avro's own
 * checker decides it), of the value schemas the router registers before and after each DDL statement of issue 13.
 */
class EnvelopeSchemasTest {

    private static final EnvelopeSchemas SCHEMAS = new EnvelopeSchemas();

    private static boolean compatible(Schema before, Schema after) {
        return SchemaCompatibility.checkReaderWriterCompatibility(SCHEMAS.valueSchema(after),
                SCHEMAS.valueSchema(before)).getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    @Test
    void ordinaryDdlIsACompatibleEvolutionAndANarrowedOrChangedTypeIsNot() {
        for (DdlCases.Case c : DdlCases.all()) {
            assertThat(compatible(c.before(), c.after())).as(c.ddl()).isEqualTo(c.compatible());
        }
        // A NOT NULL column without a default can be added too, every column being optional in the registry.
        assertThat(compatible(DdlCases.first(), DdlCases.envelope(r -> DdlCases.with("x", null).apply(r)
                .field("score", Schema.INT32_SCHEMA)))).isTrue();
        // Avro has one int type for Connect's int8, int16 and int32: int to smallint is no change it sees, and every
        // value of the new type still fits where the old ones went.
        assertThat(compatible(DdlCases.first(), DdlCases.envelope(DdlCases.with("qty", Schema.INT16_SCHEMA)))).isTrue();
    }

    @Test
    void theRegisteredRowKeepsDefaultsAndEveryColumnIsOptional() {
        org.apache.avro.Schema value = SCHEMAS.valueSchema(DdlCases.envelope(r -> r
                .field("score", SchemaBuilder.int32().defaultValue(5).build())
                .field("price", Decimal.builder(2).optional().build())));
        org.apache.avro.Schema row = value.getField("after").schema().getTypes().get(1);

        assertThat(row.getFields()).allSatisfy(f -> assertThat(f.schema().isNullable()).as(f.name()).isTrue());
        assertThat(row.getField("score").defaultVal()).isEqualTo(5);
        assertThat(row.getField("score").schema().getTypes().get(0).getObjectProp("connect.default")).isEqualTo(5);
        assertThat(row.getField("price").schema().getTypes().get(1).getLogicalType().getName()).isEqualTo("decimal");
    }

    @Test
    void theKeySchemaHasTheKeyColumnsWithTheirExactTypes() {
        org.apache.avro.Schema key = SCHEMAS.keySchema(DdlCases.first(), List.of("id"));

        assertThat(key.getFullName()).isEqualTo(DdlCases.TOPIC + ".Key");
        assertThat(key.getFields()).extracting(org.apache.avro.Schema.Field::name).containsExactly("id");
        assertThat(key.getField("id").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.LONG);
    }
}
