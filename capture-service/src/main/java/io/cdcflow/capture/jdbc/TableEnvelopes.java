package io.cdcflow.capture.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.capture.publish.ConnectJson;
import io.cdcflow.capture.publish.OutgoingChange;
import io.cdcflow.model.Op;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.Arrays;
import java.util.List;


/**
 * Builds the raw-topic records of one table for the trigger and timestamp strategies, in exactly the form the
 * log strategy publishes: key = the primary-key columns as a bare JSON object, value = the Debezium envelope
 * wrapped with its Kafka Connect schema (as Connect's JSON converter writes it: {@link ConnectJson}), topic
 * {@code <source>.<schema or database>.<table>}. Row values come from JSON row images and are converted to
 * the column's Connect type ({@link ConnectValues}).
 */
public final class TableEnvelopes {

    private final String sourceName;
    private final String connector;
    private final String database;
    private final int generation;
    private final boolean hasSchemas;
    private final CapturedTable table;
    private final String topic;
    private final Schema rowSchema;
    private final Schema keySchema;
    private final Schema sourceSchema;
    private final Schema envelopeSchema;
    private final ConnectJson json = new ConnectJson();
    private final java.util.Set<String> vanished = new java.util.HashSet<>();

    /**
     * @param connector  {@code trigger} or {@code timestamp}, written to {@code source.connector}
     * @param database   the database name written to {@code source.db}
     * @param generation the source's generation, written to {@code source.cdc_generation} when above 0
     */
    public TableEnvelopes(String sourceName, String connector, String database, int generation, SqlDialect dialect,
                          CapturedTable table) {
        this.sourceName = sourceName;
        this.connector = connector;
        this.database = database;
        this.generation = generation;
        this.hasSchemas = dialect.hasSchemas();
        this.table = table;
        this.topic = io.cdcflow.capture.publish.TopicNames.of(sourceName, table.id().namespace(), table.id().table());
        // Every column but the key's is optional: an image logged before a column was added, or after one was dropped,
        // has no value for it (the registry makes every column optional anyway, so DDL stays compatible).
        SchemaBuilder row = SchemaBuilder.struct().name(topic + ".Value").optional();
        table.columns().forEach(c -> row.field(c.name(), ConnectValues.schema(
                table.keyColumns().contains(c) ? c : c.asOptional())));
        this.rowSchema = row.build();
        SchemaBuilder key = SchemaBuilder.struct().name(topic + ".Key");
        table.keyColumns().forEach(c -> key.field(c.name(), ConnectValues.schema(c)));
        this.keySchema = key.build();
        this.sourceSchema = SchemaBuilder.struct().name("io.cdcflow.capture." + connector + ".Source")
                .field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                .field("db", Schema.STRING_SCHEMA)
                .field("schema", Schema.OPTIONAL_STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA)
                .field("seq", Schema.OPTIONAL_INT64_SCHEMA)
                .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field(io.cdcflow.model.Position.GENERATION_FIELD, Schema.OPTIONAL_INT32_SCHEMA)
                .field(io.cdcflow.model.Position.SWEEP_FIELD, Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .build();
        this.envelopeSchema = SchemaBuilder.struct().name(topic + ".Envelope").version(1)
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", sourceSchema)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    /** The table these records are about. */
    public CapturedTable table() {
        return table;
    }

    /** The raw topic of the table. */
    public String topic() {
        return topic;
    }

    /**
     * One change as a record to publish.
     *
     * @param before     the row image before the change (JSON object from the database), or null
     * @param after      the row image after the change, or null for deletes (both null for a truncate)
     * @param sourceTsMs when the change happened at the source, epoch milliseconds
     * @param seq        the change's position: {@code source.seq}, the change-log sequence (trigger) or the read
     *                   sequence (timestamp)
     * @param tsUs       the row's timestamp in epoch microseconds (timestamp strategy), or null
     * @param txId       the source transaction id, or null when unknown
     */
    public OutgoingChange change(Op op, JsonNode before, JsonNode after, long sourceTsMs, long seq, Long tsUs,
                                 Long txId) {
        return record(op, before, after, sourceTsMs, seq, tsUs, txId, "false");
    }

    /**
     * The records of one logged change: one, or for an update that changed the primary key two, as the log strategy
     * publishes it: a delete of the old key (its {@code before}) and a create of the new one (its {@code after}), so
     * that no sink keeps the row under its old key.
     */
    public List<OutgoingChange> changes(Op op, JsonNode before, JsonNode after, long sourceTsMs, long seq, Long txId) {
        if (op == Op.UPDATE && before != null && after != null && !Arrays.equals(key(before), key(after))) {
            return List.of(record(Op.DELETE, before, null, sourceTsMs, seq, null, txId, "false"),
                    record(Op.CREATE, null, after, sourceTsMs, seq, null, txId, "false"));
        }
        return List.of(record(op, before, after, sourceTsMs, seq, null, txId, "false"));
    }

    /**
     * A row read by a snapshot: op {@code r}, {@code source.snapshot = "true"} and position 0, below every change, so
     * that a sink keeps whatever change it holds for the row and takes the read only for a row it lacks.
     */
    public OutgoingChange snapshotRead(JsonNode image, long readAtMs) {
        return record(Op.READ, null, image, readAtMs, null, null, null, "true");
    }

    private OutgoingChange record(Op op, JsonNode before, JsonNode after, long sourceTsMs, Long seq, Long tsUs,
                                  Long txId, String snapshot) {
        return record(op, before, after, sourceTsMs, seq, tsUs, txId, snapshot, false);
    }

    private OutgoingChange record(Op op, JsonNode before, JsonNode after, long sourceTsMs, Long seq, Long tsUs,
                                  Long txId, String snapshot, boolean sweep) {
        JsonNode keyImage = after != null ? after : before;
        Struct source = new Struct(sourceSchema)
                .put("connector", connector)
                .put("name", sourceName)
                .put("ts_ms", sourceTsMs)
                .put("snapshot", snapshot)
                .put("db", database)
                .put("schema", hasSchemas ? table.id().namespace() : null)
                .put("table", table.id().table())
                .put("txId", txId)
                .put("seq", seq)
                .put("ts_us", tsUs)
                .put(io.cdcflow.model.Position.GENERATION_FIELD, generation > 0 ? generation : null)
                .put(io.cdcflow.model.Position.SWEEP_FIELD, sweep ? Boolean.TRUE : null);
        Struct envelope = new Struct(envelopeSchema)
                .put("before", row(before))
                .put("after", row(after))
                .put("source", source)
                .put("op", op.code())
                .put("ts_ms", System.currentTimeMillis());
        // A truncate concerns no row: like Debezium's, it has no key.
        byte[] keyBytes = keyImage == null ? null : key(keyImage);
        byte[] valueBytes = json.value(topic, envelopeSchema, envelope);
        return new OutgoingChange(topic, keyBytes, valueBytes, table.id().qualifiedName(), op.code(), sourceTsMs);
    }

    /**
     * The sweep that ends a read of the whole table in a new generation: a keyless truncate marked
     * {@code cdc_sweep}, which removes from each sink the rows of older generations the read did not see.
     */
    public OutgoingChange sweep(long atMs) {
        return record(Op.TRUNCATE, null, null, atMs, null, null, null, "false", true);
    }

    /** The key columns of an image as compact JSON, for deduplication. */
    public byte[] key(JsonNode image) {
        Struct key = new Struct(keySchema);
        table.keyColumns().forEach(c -> key.put(c.name(), ConnectValues.value(c, image.get(c.name()))));
        return json.key(topic, keySchema, key);
    }

    private Struct row(JsonNode image) {
        if (image == null || image.isNull()) {
            return null;
        }
        Struct s = new Struct(rowSchema);
        int known = 0;
        for (Column c : table.columns()) {
            JsonNode v = image.get(c.name());
            known += v == null ? 0 : 1;
            s.put(c.name(), ConnectValues.value(c, v));
        }
        if (image.size() > known) {
            // A column the shape does not know: added since the shape was read (the source reads it again, and
            // regenerates MySQL/MariaDB triggers), or gone from the table since this image was logged. Counted against
            // the columns the image has, not all of the shape's: after a drop, a renamed column is one of as many.
            image.fieldNames().forEachRemaining(f -> {
                if (table.column(f).isEmpty() && !vanished.contains(f)) {
                    throw new TableChangedException(table.id(), f);
                }
            });
        }
        return s;
    }

    /**
     * These envelopes for images that may hold {@code columns} the table no longer has (dropped or renamed since
     * the image was logged): their values are left out, as the table's current shape has no place for them.
     */
    public TableEnvelopes ignoring(java.util.Set<String> columns) {
        vanished.addAll(columns);
        return this;
    }

    /** The columns left out of images (see {@link #ignoring}). */
    public java.util.Set<String> ignored() {
        return java.util.Set.copyOf(vanished);
    }

    /** An image has a column the table's shape lacks (added, or renamed to): read the shape again. */
    public static class TableChangedException extends IllegalStateException {
        private final TableId table;
        private final String column;

        public TableChangedException(TableId table, String column) {
            super("table " + table + " has a column " + column + " its shape, as read, lacks");
            this.table = table;
            this.column = column;
        }

        public TableId table() {
            return table;
        }

        public String column() {
            return column;
        }
    }
}
