package io.cdcflow.capture.jdbc;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.Envelope;
import io.cdcflow.model.Json;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records carry the contract: key columns, envelope with Connect schema, position field by connector. */
class TableEnvelopesTest {

    static final CapturedTable ITEMS = new CapturedTable(new TableId("shop", "items"), List.of(
            new Column("id", ConnectColumnType.INT64, "bigint", false, 0),
            new Column("price", ConnectColumnType.DECIMAL, "numeric", true, 2)), List.of("id"));

    @Test
    void triggerRecordsCarryTheSequenceAndTheSchema() throws Exception {
        TableEnvelopes t = new TableEnvelopes("src", "trigger", "db", 0, new PostgresDialect(), ITEMS);
        var out = t.change(Op.UPDATE, Json.mapper().readTree("{\"id\":1,\"price\":1.5}"),
                Json.mapper().readTree("{\"id\":1,\"price\":2.25}"), 1000, 42, null, 7L);
        assertThat(out.topic()).isEqualTo("src.shop.items");
        assertThat(new String(out.key())).isEqualTo("{\"id\":1}");
        Envelope e = ChangeEventSerde.readValue(out.value());
        ChangeEvent ev = e.event();
        assertThat(ev.position()).isEqualTo(new Position(42));
        assertThat(ev.before().get("price").decimalValue()).isEqualByComparingTo("1.50");
        assertThat(ev.after().get("price").toString()).isEqualTo("2.25");
        assertThat(ev.source().schema()).isEqualTo("shop");
        assertThat(ev.source().tsMs()).isEqualTo(1000);
        assertThat(e.connectSchema().get("name").asText()).isEqualTo("src.shop.items.Envelope");
    }

    @Test
    void timestampRecordsCarryTheirReadSequenceAndTheMicrosAndNoSchemaOnMariaDb() throws Exception {
        TableEnvelopes t = new TableEnvelopes("src", "timestamp", "shop", 0, new MariaDbDialect(true), ITEMS);
        var out = t.change(Op.DELETE, Json.mapper().readTree("{\"id\":1,\"price\":null}"), null, 5, 77, 5_000_123L, null);
        ChangeEvent ev = ChangeEventSerde.readValue(out.value()).event();
        assertThat(ev.position()).isEqualTo(new Position(77));
        assertThat(ev.source().longValue("ts_us")).contains(5_000_123L);
        assertThat(ev.source().schema()).isEmpty();
        assertThat(ev.table().qualifiedName()).isEqualTo("src.shop.items");
    }

    @Test
    void aColumnTheShapeLacksIsReportedSoTheSourceReadsTheShapeAgain() {
        TableEnvelopes t = new TableEnvelopes("src", "trigger", "db", 0, new PostgresDialect(), ITEMS);
        assertThatThrownBy(() -> t.change(Op.CREATE, null, Json.mapper().readTree("{\"id\":1,\"price\":1,\"extra\":2}"), 1, 1, null, null))
                .isInstanceOf(TableEnvelopes.TableChangedException.class).hasMessageContaining("extra");
        // After a dropped column (price, absent from the image), a renamed one is one unknown among fewer: still seen.
        assertThatThrownBy(() -> t.change(Op.UPDATE, null, Json.mapper().readTree("{\"id\":1,\"cost\":2}"), 1, 2, null, null))
                .isInstanceOf(TableEnvelopes.TableChangedException.class).hasMessageContaining("cost");
    }

    @Test
    void anUpdateOfThePrimaryKeyIsADeleteOfTheOldKeyAndACreateOfTheNew() throws Exception {
        TableEnvelopes t = new TableEnvelopes("src", "trigger", "db", 0, new PostgresDialect(), ITEMS);
        var out = t.changes(Op.UPDATE, Json.mapper().readTree("{\"id\":1,\"price\":1.5}"),
                Json.mapper().readTree("{\"id\":2,\"price\":1.5}"), 1000, 43, null);

        assertThat(out).hasSize(2);
        assertThat(new String(out.get(0).key())).isEqualTo("{\"id\":1}");
        ChangeEvent delete = ChangeEventSerde.readValue(out.get(0).value()).event();
        assertThat(delete.op()).isEqualTo(Op.DELETE);
        assertThat(delete.before().get("id").asInt()).isEqualTo(1);
        assertThat(new String(out.get(1).key())).isEqualTo("{\"id\":2}");
        ChangeEvent create = ChangeEventSerde.readValue(out.get(1).value()).event();
        assertThat(create.op()).isEqualTo(Op.CREATE);
        assertThat(create.after().get("id").asInt()).isEqualTo(2);
        assertThat(create.position()).isEqualTo(delete.position()).isEqualTo(new Position(43));
        assertThat(t.changes(Op.UPDATE, Json.mapper().readTree("{\"id\":1,\"price\":1.5}"),
                Json.mapper().readTree("{\"id\":1,\"price\":2}"), 1000, 44, null)).hasSize(1);
    }

    @Test
    void aNewGenerationStampsItsChangesSnapshotReadsAndSweep() throws Exception {
        TableEnvelopes t = new TableEnvelopes("src", "trigger", "db", 3, new PostgresDialect(), ITEMS);
        ChangeEvent change = ChangeEventSerde.readValue(t.change(Op.CREATE, null,
                Json.mapper().readTree("{\"id\":1,\"price\":1}"), 1, 42, null, null).value()).event();
        ChangeEvent read = ChangeEventSerde.readValue(t.snapshotRead(Json.mapper().readTree("{\"id\":2,\"price\":1}"), 1)
                .value()).event();
        var sweep = t.sweep(5);
        ChangeEvent swept = ChangeEventSerde.readValue(sweep.value()).event();

        assertThat(change.position()).isEqualTo(new Position(3, 42, 0));
        assertThat(read.position()).isEqualTo(Position.snapshot(3));
        assertThat(sweep.key()).isNull();
        assertThat(swept.op()).isEqualTo(Op.TRUNCATE);
        assertThat(swept.position()).isEqualTo(Position.floor(3)).isLessThan(read.position());
        assertThat(Position.floor(3)).isGreaterThan(new Position(2, Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void aColumnMissingFromAnImageIsNullAndAVanishedOneIsLeftOut() throws Exception {
        CapturedTable strict = new CapturedTable(new TableId("shop", "items"), List.of(
                new Column("id", ConnectColumnType.INT64, "bigint", false, 0),
                new Column("price", ConnectColumnType.DECIMAL, "numeric", false, 2)), List.of("id"));
        TableEnvelopes t = new TableEnvelopes("src", "trigger", "db", 0, new PostgresDialect(), strict)
                .ignoring(java.util.Set.of("name"));
        ChangeEvent ev = ChangeEventSerde.readValue(t.change(Op.UPDATE, null,
                Json.mapper().readTree("{\"id\":1,\"name\":\"logged before a rename\"}"), 1, 5, null, null).value())
                .event();
        assertThat(ev.after().get("price").isNull()).isTrue();
        assertThat(ev.after().has("name")).isFalse();
    }
}
