package io.cdcflow.capture.log;

import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes a source's generation into Debezium's envelopes: {@code source.cdc_generation}, an optional field added to
 * the {@code source} block (see {@link Position}), and builds the sweep that ends a table's snapshot in a new
 * generation ({@code op: "t"}, {@code source.cdc_sweep: true}). Generation 0 leaves envelopes exactly as Debezium
 * made them. The stamped schemas are built once per Debezium schema instance. Not thread-safe: one per source.
 */
final class GenerationStamp {

    /** Stamped schemas kept; Debezium makes a new schema instance only when a table's structure changes. */
    private static final int SCHEMAS_KEPT = 512;

    private final Map<Schema, Schema> envelopes = new IdentityHashMap<>();

    /** The envelope with {@code source.cdc_generation = generation}; the envelope itself for generation 0. */
    Struct stamp(Struct envelope, int generation) {
        if (generation == 0 || envelope.schema().field("source") == null) {
            return envelope;
        }
        return copy(envelope, generation, false);
    }

    /**
     * The sweep of the table whose snapshot {@code lastSnapshotRecord} ended: a truncate of generation
     * {@code generation} marked {@code cdc_sweep}, in the same envelope schema and with the same source block, so
     * it goes to the same topic and every consumer reads it as that table's truncate.
     */
    Struct sweep(Struct lastSnapshotRecord, int generation, long nowMs) {
        Struct sweep = copy(lastSnapshotRecord, generation, true);
        sweep.put("before", null);
        sweep.put("after", null);
        sweep.put("op", Op.TRUNCATE.code());
        if (sweep.schema().field("ts_ms") != null) {
            sweep.put("ts_ms", nowMs);
        }
        if (sweep.schema().field("transaction") != null) {
            sweep.put("transaction", null);
        }
        Struct source = sweep.getStruct("source");
        if (source.schema().field("snapshot") != null) {
            source.put("snapshot", "false");
        }
        return sweep;
    }

    private Struct copy(Struct envelope, int generation, boolean sweep) {
        Schema schema = stampedSchema(envelope.schema());
        Struct out = new Struct(schema);
        for (Field f : envelope.schema().fields()) {
            Object v = envelope.get(f);
            if (f.name().equals("source") && v instanceof Struct source) {
                Struct stamped = new Struct(schema.field("source").schema());
                for (Field sf : source.schema().fields()) {
                    stamped.put(sf.name(), source.get(sf));
                }
                stamped.put(Position.GENERATION_FIELD, generation);
                stamped.put(Position.SWEEP_FIELD, sweep ? Boolean.TRUE : null);
                v = stamped;
            }
            out.put(f.name(), v);
        }
        return out;
    }

    private Schema stampedSchema(Schema envelope) {
        Schema known = envelopes.get(envelope);
        if (known != null) {
            return known;
        }
        if (envelopes.size() >= SCHEMAS_KEPT) {
            envelopes.clear();
        }
        SchemaBuilder out = copyHeader(envelope);
        for (Field f : envelope.fields()) {
            out.field(f.name(), f.name().equals("source") ? stampedSource(f.schema()) : f.schema());
        }
        Schema built = out.build();
        envelopes.put(envelope, built);
        return built;
    }

    private static Schema stampedSource(Schema source) {
        SchemaBuilder out = copyHeader(source);
        for (Field f : source.fields()) {
            out.field(f.name(), f.schema());
        }
        if (source.field(Position.GENERATION_FIELD) == null) {
            out.field(Position.GENERATION_FIELD, Schema.OPTIONAL_INT32_SCHEMA);
        }
        if (source.field(Position.SWEEP_FIELD) == null) {
            out.field(Position.SWEEP_FIELD, Schema.OPTIONAL_BOOLEAN_SCHEMA);
        }
        return out.build();
    }

    private static SchemaBuilder copyHeader(Schema struct) {
        SchemaBuilder out = SchemaBuilder.struct().name(struct.name());
        if (struct.version() != null) {
            out.version(struct.version());
        }
        if (struct.doc() != null) {
            out.doc(struct.doc());
        }
        if (struct.parameters() != null) {
            out.parameters(struct.parameters());
        }
        if (struct.isOptional()) {
            out.optional();
        }
        return out;
    }
}
