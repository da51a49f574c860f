package io.cdcflow.router.schema;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The DDL statements of issue 13, each as the Kafka Connect envelope schemas Debezium's PostgreSQL connector gives a
 * table before and after it (row columns typed as the connector types them), and whether the router's registered
 * schemas must then be a compatible evolution under BACKWARD.
 */
final class DdlCases {

    static final String TOPIC = "inv.public.items";

    /** One DDL statement: the table's envelope before and after it. */
    record Case(String ddl, Schema before, Schema after, boolean compatible) {
    }

    private static final UnaryOperator<SchemaBuilder> V1 = r -> r
            .field("name", Schema.STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.INT32_SCHEMA)
            .field("label", SchemaBuilder.string().parameter("__debezium.source.column.length", "20").build())
            .field("price", Decimal.builder(2).parameter("connect.decimal.precision", "8").build())
            .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("code", Schema.OPTIONAL_STRING_SCHEMA);

    private DdlCases() {
    }

    static List<Case> all() {
        return List.of(
                new Case("ADD COLUMN tier text", envelope(V1), envelope(r -> V1.apply(r).field("tier", Schema.OPTIONAL_STRING_SCHEMA)), true),
                new Case("ADD COLUMN score int NOT NULL DEFAULT 0", envelope(V1),
                        envelope(r -> V1.apply(r).field("score", SchemaBuilder.int32().defaultValue(0).build())), true),
                new Case("DROP COLUMN note", envelope(V1), envelope(with("note", null)), true),
                new Case("RENAME COLUMN name TO title", envelope(V1),
                        envelope(r -> with("name", null).apply(r).field("title", Schema.STRING_SCHEMA)), true),
                new Case("ALTER COLUMN qty TYPE bigint", envelope(V1), envelope(with("qty", Schema.INT64_SCHEMA)), true),
                new Case("ALTER COLUMN label TYPE varchar(200)", envelope(V1), envelope(with("label",
                        SchemaBuilder.string().parameter("__debezium.source.column.length", "200").build())), true),
                new Case("ALTER COLUMN label TYPE text", envelope(V1), envelope(with("label", Schema.STRING_SCHEMA)), true),
                new Case("ALTER COLUMN price TYPE numeric(12,2)", envelope(V1), envelope(with("price",
                        Decimal.builder(2).parameter("connect.decimal.precision", "12").build())), true),
                new Case("ALTER COLUMN ratio TYPE double precision", envelope(V1),
                        envelope(with("ratio", Schema.OPTIONAL_FLOAT64_SCHEMA)), true),
                new Case("ALTER COLUMN name DROP NOT NULL", envelope(V1),
                        envelope(with("name", Schema.OPTIONAL_STRING_SCHEMA)), true),
                new Case("ALTER COLUMN name SET NOT NULL", envelope(with("name", Schema.OPTIONAL_STRING_SCHEMA)),
                        envelope(V1), true),
                new Case("ALTER COLUMN qty SET DEFAULT 7", envelope(V1),
                        envelope(with("qty", SchemaBuilder.int32().defaultValue(7).build())), true),
                new Case("ALTER COLUMN qty SET DEFAULT 9 (was 7)",
                        envelope(with("qty", SchemaBuilder.int32().defaultValue(7).build())),
                        envelope(with("qty", SchemaBuilder.int32().defaultValue(9).build())), true),
                new Case("ALTER COLUMN qty TYPE int (was bigint)", envelope(with("qty", Schema.INT64_SCHEMA)),
                        envelope(V1), false),
                new Case("ALTER COLUMN code TYPE int USING code::int", envelope(V1),
                        envelope(with("code", Schema.OPTIONAL_INT32_SCHEMA)), false),
                new Case("ALTER COLUMN ratio TYPE text", envelope(V1),
                        envelope(with("ratio", Schema.OPTIONAL_STRING_SCHEMA)), false));
    }

    /** A Debezium-like envelope whose row has {@code id bigint} and the given columns. */
    static Schema envelope(UnaryOperator<SchemaBuilder> columns) {
        SchemaBuilder row = SchemaBuilder.struct().name(TOPIC + ".Value").optional();
        row.field("id", Schema.INT64_SCHEMA);
        columns.apply(row);
        Schema r = row.build();
        return SchemaBuilder.struct().name(TOPIC + ".Envelope")
                .field("before", r).field("after", r)
                .field("source", SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                        .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build())
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    /** The first version's columns with {@code name} retyped ({@code type}) or dropped (null). */
    static UnaryOperator<SchemaBuilder> with(String name, Schema type) {
        return r -> {
            for (Field f : V1.apply(SchemaBuilder.struct()).build().fields()) {
                if (!f.name().equals(name)) {
                    r.field(f.name(), f.schema());
                } else if (type != null) {
                    r.field(name, type);
                }
            }
            return r;
        };
    }

    /** The first version. */
    static Schema first() {
        return envelope(V1);
    }
}
