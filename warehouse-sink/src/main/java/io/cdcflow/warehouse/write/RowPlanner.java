package io.cdcflow.warehouse.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.ColumnTypes;
import io.cdcflow.warehouse.schema.ColumnVersions;
import io.cdcflow.warehouse.schema.ColumnWidening;
import io.cdcflow.warehouse.schema.RowTypes;
import io.cdcflow.warehouse.schema.ValueConversionException;
import io.cdcflow.warehouse.sql.Identifiers;
import io.cdcflow.warehouse.sql.InvalidIdentifierException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns row changes into what the statements need, without touching the database: first the columns a table
 * must have (names checked, types from the registered schema, else inferred), then, against the table's actual
 * shape, one bound value per column. A change whose names, key or values cannot be used becomes a dead letter
 * here and never reaches SQL.
 */
final class RowPlanner {

    private static final int MAX_REMEMBERED_NAMES = 100_000;

    /** Column names already found usable: checked once, not per change (a bounded set; names are few). */
    private final java.util.Set<String> usableNames = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The usable changes of one table, its key columns, and the columns they need with their types: per column, the
     * types its values come in, in position order (one, unless the batch spans a lossy type change).
     */
    record Columns(List<RowChange> rows, List<String> keys, Map<String, List<ColumnType>> wanted) {
    }

    Columns columns(List<RowChange> changes, List<DeadLetter> dead) {
        List<RowChange> ok = new ArrayList<>();
        List<String> keys = null;
        Map<String, List<ColumnType>> wanted = new LinkedHashMap<>();
        for (RowChange rc : changes) {
            Optional<String> problem = nameProblem(rc);
            if (problem.isPresent()) {
                dead.add(new DeadLetter(rc.change().origin(), InvalidIdentifierException.REASON, problem.get()));
                continue;
            }
            Map<String, ColumnType> mine = new LinkedHashMap<>();
            boolean keyOk = true;
            for (String k : keyNames(rc)) {
                JsonNode v = value(rc, k);
                Optional<ColumnType> type = rc.schema().flatMap(s -> s.type(k)).or(() -> ColumnTypes.inferred(v));
                if (v == null || v.isNull() || type.isEmpty()) {
                    dead.add(new DeadLetter(rc.change().origin(), MalformedEventException.Reason.MISSING_KEY.tag(),
                            "key column '" + k + "' has no value"));
                    keyOk = false;
                    break;
                }
                mine.put(k, type.get());
            }
            if (!keyOk) {
                continue;
            }
            rc.schema().ifPresent(s -> s.columns().forEach(mine::putIfAbsent));
            ObjectNode image = rc.change().event().row();
            if (image != null) {
                image.properties().forEach(e -> {
                    if (!mine.containsKey(e.getKey())) {
                        ColumnTypes.inferred(e.getValue()).ifPresent(t -> mine.put(e.getKey(), t));
                    }
                });
            }
            java.util.Set<String> declared = rc.schema().map(sc -> sc.columns().keySet()).orElse(java.util.Set.of());
            mine.forEach((column, type) -> merge(wanted.computeIfAbsent(column, k -> new ArrayList<>()), type,
                    declared.contains(column)));
            if (keys == null) {
                keys = keyNames(rc);
            }
            ok.add(rc);
        }
        return new Columns(ok, keys == null ? List.of() : keys, wanted);
    }

    /**
     * Adds a type a column's values come in: changes of one batch may carry schema versions before and after a
     * widening (the column takes the wider) or a lossy change (both are kept: each gets its own column). Only a type
     * its registered schema declares can be a lossy change; one inferred from a value (no schema) that fits none is
     * bad data, which the bind dead-letters, not a reason for a new column.
     */
    private static void merge(List<ColumnType> types, ColumnType type, boolean declared) {
        for (int i = 0; i < types.size(); i++) {
            ColumnType had = types.get(i);
            if (ColumnVersions.holds(had.sqlType(), type.sqlType())) {
                return;
            }
            if (ColumnWidening.widened(had.sqlType(), type.sqlType()).isPresent()) {
                types.set(i, type);
                return;
            }
        }
        if (declared || types.isEmpty()) {
            types.add(type);
        }
    }

    List<BoundRow> bind(TableShape shape, List<RowChange> rows, List<DeadLetter> dead) {
        List<BoundRow> bound = new ArrayList<>();
        List<String> columns = new ArrayList<>(shape.columns().keySet());
        for (RowChange rc : rows) {
            if (shape.keyColumns().isEmpty() || !new HashSet<>(shape.keyColumns()).equals(new HashSet<>(keyNames(rc)))) {
                dead.add(new DeadLetter(rc.change().origin(), MalformedEventException.Reason.INCOMPATIBLE_SCHEMA.tag(),
                        "the event's key columns " + keyNames(rc) + " are not the primary key " + shape.keyColumns()
                                + " of " + shape.names().currentSql()));
                continue;
            }
            Object[] values = new Object[columns.size()];
            try {
                for (int i = 0; i < values.length; i++) {
                    String col = columns.get(i);
                    String source = shape.sourceOf(col);
                    if (shape.versionsOf(source).size() > 1 && !col.equals(versionFor(shape, rc, source))) {
                        continue; // another version of the column takes this change's value: NULL here
                    }
                    ColumnType type = typeOf(rc.schema(), source, shape.columns().get(col));
                    try {
                        values[i] = type.toJdbc(value(rc, source));
                    } catch (ValueConversionException e) {
                        throw new ValueConversionException("column '" + col + "': " + e.getMessage());
                    }
                }
            } catch (ValueConversionException e) {
                dead.add(new DeadLetter(rc.change().origin(), ValueConversionException.REASON, e.getMessage()));
                continue;
            }
            bound.add(new BoundRow(rc, values, rc.change().event().op() == Op.DELETE));
        }
        return bound;
    }

    /**
     * Which version of a source column takes this change's value: the newest whose type holds the change's type (its
     * schema's, else the one its value implies), or the newest when the change says nothing of its type.
     */
    static String versionFor(TableShape shape, RowChange rc, String source) {
        List<String> versions = shape.versionsOf(source);
        Optional<ColumnType> type = rc.schema().flatMap(s -> s.type(source))
                .or(() -> ColumnTypes.inferred(value(rc, source)));
        return type.flatMap(t -> shape.columnFor(source, t.sqlType())).orElse(versions.getLast());
    }

    /** The event's own type for a column when its schema declares it; otherwise what the column's SQL type implies. */
    static ColumnType typeOf(Optional<RowTypes> schema, String column, String sqlType) {
        return schema.flatMap(s -> s.type(column)).orElseGet(() -> ColumnTypes.forSqlType(sqlType));
    }

    /** The column's value in the row image; for a key column missing there, the record key's value. */
    static JsonNode value(RowChange rc, String column) {
        ObjectNode image = rc.change().event().row();
        JsonNode v = image == null ? null : image.get(column);
        if ((v == null || v.isNull()) && rc.change().key().columns().has(column)) {
            return rc.change().key().columns().get(column);
        }
        return v;
    }

    static List<String> keyNames(RowChange rc) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = rc.change().key().columns().fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private Optional<String> nameProblem(RowChange rc) {
        List<String> names = new ArrayList<>(keyNames(rc));
        rc.schema().ifPresent(s -> names.addAll(s.columns().keySet()));
        ObjectNode image = rc.change().event().row();
        if (image != null) {
            image.fieldNames().forEachRemaining(names::add);
        }
        for (String n : names) {
            if (usableNames.contains(n)) {
                continue;
            }
            if (n.startsWith(WarehouseSql.META_PREFIX)) {
                return Optional.of("column '" + n + "' uses the prefix " + WarehouseSql.META_PREFIX
                        + " reserved for the warehouse's bookkeeping columns");
            }
            Optional<String> p = Identifiers.problem(n, Identifiers.MAX_BYTES);
            if (p.isPresent()) {
                return Optional.of("column name " + p.get());
            }
            if (usableNames.size() < MAX_REMEMBERED_NAMES) {
                usableNames.add(n);
            }
        }
        return Optional.empty();
    }
}
