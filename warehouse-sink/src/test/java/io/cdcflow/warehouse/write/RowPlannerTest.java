package io.cdcflow.warehouse.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.model.RowKey;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.RecordOrigin;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.ColumnTypes;
import io.cdcflow.warehouse.schema.RowTypes;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.cdcflow.warehouse.TestEvents.event;
import static io.cdcflow.warehouse.TestEvents.row;
import static io.cdcflow.warehouse.TestEvents.source;
import static org.assertj.core.api.Assertions.assertThat;

class RowPlannerTest {

    private final RowPlanner planner = new RowPlanner();
    private final List<DeadLetter> dead = new ArrayList<>();

    private static RowChange change(Op op, long lsn, ObjectNode key, ObjectNode before, ObjectNode after,
                                    Optional<RowTypes> schema) {
        ChangeEvent e = event(op, source("inventory", "public", "customers", lsn, 1_000), before, after);
        return new RowChange(new SinkChange(new RecordOrigin("t", 0, lsn, null, null), new RowKey(key), e,
                e.position(), java.util.OptionalInt.empty()), schema);
    }

    private static RowTypes schema() {
        Map<String, ColumnType> cols = new LinkedHashMap<>();
        cols.put("id", ColumnType.of(ColumnType.Kind.INTEGER));
        cols.put("born", ColumnType.of(ColumnType.Kind.DATE_DAYS));
        cols.put("nickname", ColumnType.of(ColumnType.Kind.TEXT));
        return new RowTypes(1, cols);
    }

    @Test
    void schemaColumnsComeWithTheirTypesEvenWhenNull() {
        RowChange rc = change(Op.CREATE, 10, row("id", 1), null, row("id", 1, "born", 19723, "nickname", null),
                Optional.of(schema()));
        RowPlanner.Columns cols = planner.columns(List.of(rc), dead);
        assertThat(dead).isEmpty();
        assertThat(cols.keys()).containsExactly("id");
        assertThat(cols.wanted().keySet()).containsExactly("id", "born", "nickname");
        assertThat(cols.wanted().get("born").getFirst().sqlType()).isEqualTo("date");
    }

    @Test
    void withoutSchemaNullColumnsWaitAndTypesAreInferred() {
        RowChange rc = change(Op.CREATE, 10, row("id", 1), null, row("id", 1, "name", "Ann", "note", null), Optional.empty());
        RowPlanner.Columns cols = planner.columns(List.of(rc), dead);
        assertThat(cols.wanted().keySet()).containsExactly("id", "name");
        assertThat(cols.wanted().get("id").getFirst().sqlType()).isEqualTo("numeric");
    }

    @Test
    void reservedOrInvalidColumnNamesAndMissingKeysAreDeadLettered() {
        RowChange reserved = change(Op.CREATE, 10, row("id", 1), null, row("id", 1, "_cdc_position", 5), Optional.empty());
        RowChange tooLong = change(Op.CREATE, 11, row("id", 2), null, row("id", 2, "c".repeat(64), 5), Optional.empty());
        RowChange nullKey = change(Op.CREATE, 12, row("id", null), null, row("id", null), Optional.empty());
        RowPlanner.Columns cols = planner.columns(List.of(reserved, tooLong, nullKey), dead);
        assertThat(cols.rows()).isEmpty();
        assertThat(dead).extracting(DeadLetter::reason)
                .containsExactly("invalid_identifier", "invalid_identifier", "missing_key");
    }

    @Test
    void bindsOneValuePerColumnOfTheShape() {
        Map<String, String> shapeCols = new LinkedHashMap<>();
        shapeCols.put("id", "integer");
        shapeCols.put("born", "date");
        shapeCols.put("added_later", "text");
        TableShape shape = new TableShape(TableNames.of(new TableRef("inventory", "public", "customers"), "_history"),
                List.of("id"), shapeCols);
        RowChange withSchema = change(Op.UPDATE, 10, row("id", 1), null, row("id", 1, "born", 19723), Optional.of(schema()));
        RowChange delete = change(Op.DELETE, 11, row("id", 1), row("id", 1, "born", null), null, Optional.empty());
        List<BoundRow> bound = planner.bind(shape, List.of(withSchema, delete), dead);
        assertThat(dead).isEmpty();
        assertThat(bound.get(0).values()).containsExactly(1, LocalDate.of(2024, 1, 1), null);
        assertThat(bound.get(0).deleted()).isFalse();
        assertThat(bound.get(1).values()).containsExactly(1, null, null);
        assertThat(bound.get(1).deleted()).isTrue();
    }

    @Test
    void valuesThatDoNotFitAndForeignKeysAreDeadLettered() {
        TableShape shape = new TableShape(TableNames.of(new TableRef("inventory", "public", "customers"), "_history"),
                List.of("id"), Map.of("id", "integer"));
        RowChange badValue = change(Op.CREATE, 10, row("id", 1), null, row("id", "one"), Optional.empty());
        RowChange otherKey = change(Op.CREATE, 11, row("code", "x"), null, row("code", "x"), Optional.empty());
        assertThat(planner.bind(shape, List.of(badValue, otherKey), dead)).isEmpty();
        assertThat(dead).extracting(DeadLetter::reason).containsExactly("schema_mismatch", "incompatible_schema");
    }

    @Test
    void existingColumnsWithoutSchemaAreReadByTheirSqlType() {
        assertThat(RowPlanner.typeOf(Optional.empty(), "price", "numeric(10,2)").toJdbc(row("p", 1.5).get("p")))
                .isEqualTo(new BigDecimal("1.5"));
        assertThat(RowPlanner.typeOf(Optional.of(schema()), "born", "text").sqlType())
                .isEqualTo(ColumnTypes.fromSchema(RowSchema.ofJsonSchemaRow(0, row("properties", row("born",
                        row("connect.name", "io.debezium.time.Date")))).column("born").orElseThrow()).sqlType());
    }

    @Test
    void aLossyTypeChangeWantsBothTypesAndEachValueGoesToTheVersionOfItsType() {
        RowChange before = change(Op.UPDATE, 10, row("id", 1), null, row("id", 1, "qty", 5), Optional.empty());
        RowChange after = change(Op.UPDATE, 11, row("id", 2), null, row("id", 2, "qty", "A-1"), Optional.empty());
        assertThat(planner.columns(List.of(before, after), dead).wanted().get("qty")).as("inferred: bad data, not DDL")
                .extracting(ColumnType::sqlType).containsExactly("numeric");
        RowChange declared = change(Op.UPDATE, 12, row("id", 2), null, row("id", 2, "qty", "A-1"),
                Optional.of(new RowTypes(2, Map.of("id", ColumnType.of(ColumnType.Kind.INTEGER),
                        "qty", ColumnType.of(ColumnType.Kind.TEXT)))));
        assertThat(planner.columns(List.of(before, declared), dead).wanted().get("qty")).as("declared by its schema")
                .extracting(ColumnType::sqlType).containsExactly("numeric", "text");

        Map<String, String> shapeCols = new LinkedHashMap<>();
        shapeCols.put("id", "integer");
        shapeCols.put("qty", "numeric");
        shapeCols.put("qty__text", "text");
        TableShape shape = new TableShape(TableNames.of(new TableRef("inventory", "public", "customers"), "_history"),
                List.of("id"), shapeCols, Map.of("qty", List.of("qty", "qty__text")));
        List<BoundRow> bound = planner.bind(shape, List.of(before, after), dead);
        assertThat(dead).isEmpty();
        assertThat(bound.get(0).values()).containsExactly(1, new BigDecimal("5"), null);
        assertThat(bound.get(1).values()).containsExactly(2, null, "A-1");
    }
}
