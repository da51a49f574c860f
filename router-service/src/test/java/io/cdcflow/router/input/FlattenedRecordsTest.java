package io.cdcflow.router.input;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Envelope;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows as ExtractNewRecordState writes them with the settings its documentation shows, read into change events. */
class FlattenedRecordsTest {

    private static Envelope read(String json, boolean offsets) {
        return FlattenedRecords.read("dbz.public.customers", 2, 77, json.getBytes(StandardCharsets.UTF_8), offsets);
    }

    @Test
    void aRewrittenDeleteWithOpAndSourceFieldsBecomesADeleteAtItsLsn() {
        ChangeEvent e = read("{\"id\":7,\"email\":\"a@b\",\"__op\":\"d\",\"__source_ts_ms\":1700000000000,"
                + "\"__lsn\":24023928,\"__deleted\":\"true\"}", false).event();

        assertThat(e.op()).isEqualTo(Op.DELETE);
        assertThat(e.before().get("email").asText()).isEqualTo("a@b");
        assertThat(e.before().has("__op")).isFalse();
        assertThat(e.after()).isNull();
        assertThat(e.position()).isEqualTo(new Position(24023928));
        assertThat(e.source().tsMs()).isEqualTo(1700000000000L);
        assertThat(e.table().qualifiedName()).isEqualTo("dbz.public.customers");
    }

    @Test
    void withoutOpADeletedFlagMakesADeleteAndAnythingElseAnUpdate() {
        assertThat(read("{\"id\":7,\"__deleted\":\"true\",\"__source_lsn\":5}", false).event().op()).isEqualTo(Op.DELETE);
        assertThat(read("{\"id\":7,\"__deleted\":\"false\",\"__source_lsn\":5}", false).event().op()).isEqualTo(Op.UPDATE);
    }

    @Test
    void aSnapshotReadOrdersBelowStreamedChanges() {
        ChangeEvent r = read("{\"id\":7,\"__op\":\"r\",\"__lsn\":900}", false).event();

        assertThat(r.op()).isEqualTo(Op.READ);
        assertThat(r.position()).isEqualTo(Position.SNAPSHOT);
    }

    @Test
    void mySqlRowsOrderByTheirBinlogCoordinates() {
        ChangeEvent e = read("{\"id\":7,\"__op\":\"u\",\"__source_file\":\"mysql-bin.000003\",\"__source_pos\":484,"
                + "\"__source_row\":1,\"__table\":\"customers\"}", false).event();

        assertThat(e.position()).isEqualTo(Position.binlog(0, 3, 484, 1));
    }

    @Test
    void withoutAPositionTheKafkaOffsetServesOnlyWhereAccepted() {
        String row = "{\"id\":7,\"__op\":\"u\",\"__table\":\"customers\"}";

        assertThatThrownBy(() -> read(row, false)).isInstanceOfSatisfying(MalformedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.BAD_POSITION))
                .hasMessageContaining("cdc.router.offset-position-topics").hasMessageContaining("add.fields");
        assertThat(read(row, true).event().position()).isEqualTo(new Position(77));
    }

    @Test
    void aConnectSchemaOfTheRowBecomesTheEnvelopesSchema() {
        Envelope e = read("{\"schema\":{\"type\":\"struct\",\"name\":\"dbz.public.customers.Value\",\"fields\":["
                + "{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
                + "{\"type\":\"string\",\"optional\":true,\"field\":\"__op\"},"
                + "{\"type\":\"int64\",\"optional\":true,\"field\":\"__lsn\"}]},"
                + "\"payload\":{\"id\":7,\"__op\":\"c\",\"__lsn\":10}}", false);

        assertThat(e.event().after().get("id").asInt()).isEqualTo(7);
        assertThat(e.connectSchema().toString()).contains("\"field\":\"before\"", "\"field\":\"after\"",
                "\"field\":\"source\"").doesNotContain("__op");
    }

    @Test
    void somethingElseIsNotTakenForAFlattenedRow() {
        assertThatThrownBy(() -> read("{\"id\":7}", true)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("ExtractNewRecordState");
    }
}
