package io.cdcflow.cache.consume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.cache.write.SinkChange;
import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.RowKey;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.cdcflow.cache.Events.event;
import static io.cdcflow.cache.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeParserTest {

    private static final String TOPIC = "validated.src.public.customers";

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 1, 42L, key, value);
    }

    private static byte[] key(int id) {
        return ChangeEventSerde.writeKey(new RowKey(row("id", id)));
    }

    private static MalformedEventException.Reason reasonOf(ConsumerRecord<byte[], byte[]> r) {
        try {
            ChangeParser.parse(r);
        } catch (MalformedEventException e) {
            return e.reason();
        }
        throw new AssertionError("parsed");
    }

    @Test
    void aChangeCarriesItsKeyTablePositionAndOrigin() {
        byte[] value = ChangeEventSerde.writeValue(event("src", "customers", Op.UPDATE, 777, row("id", 5, "n", "x")));
        SinkChange c = ChangeParser.parse(record(key(5), value));
        assertThat(c.key().asString()).isEqualTo("5");
        assertThat(c.table().qualifiedName()).isEqualTo("src.public.customers");
        assertThat(c.position().value()).isEqualTo(777);
        assertThat(c.origin().topic()).isEqualTo(TOPIC);
        assertThat(c.origin().offset()).isEqualTo(42);
        assertThat(c.origin().value()).isEqualTo(value);
    }

    @Test
    void aTruncateNeedsNoKey() {
        byte[] value = ChangeEventSerde.writeValue(event("src", "customers", Op.TRUNCATE, 900, null));
        SinkChange c = ChangeParser.parse(record(null, value));
        assertThat(c.key()).isNull();
        assertThat(c.event().op()).isEqualTo(Op.TRUNCATE);
    }

    @Test
    void recordsThatAreNoChangeEventsFailWithTheirReason() {
        byte[] good = ChangeEventSerde.writeValue(event("src", "customers", Op.CREATE, 1, row("id", 1)));
        assertThat(reasonOf(record(key(1), "{nope".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(MalformedEventException.Reason.UNPARSEABLE_JSON);
        assertThat(reasonOf(record(key(1), null))).isEqualTo(MalformedEventException.Reason.NOT_AN_ENVELOPE);
        assertThat(reasonOf(record(null, good))).isEqualTo(MalformedEventException.Reason.MISSING_KEY);
        assertThat(reasonOf(record("[1]".getBytes(StandardCharsets.UTF_8), good)))
                .isEqualTo(MalformedEventException.Reason.MISSING_KEY);

        ObjectNode unknownOp = ChangeEventSerde.toJson(event("src", "customers", Op.CREATE, 1, row("id", 1)));
        unknownOp.put("op", "x");
        assertThat(reasonOf(record(key(1), unknownOp.toString().getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(MalformedEventException.Reason.UNKNOWN_OP);

        ObjectNode noLsn = ChangeEventSerde.toJson(event("src", "customers", Op.CREATE, 1, row("id", 1)));
        ((ObjectNode) noLsn.get("source")).remove("lsn");
        assertThat(reasonOf(record(key(1), noLsn.toString().getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(MalformedEventException.Reason.BAD_POSITION);

        ObjectNode noTable = ChangeEventSerde.toJson(event("src", "customers", Op.CREATE, 1, row("id", 1)));
        ((ObjectNode) noTable.get("source")).remove("table");
        assertThatThrownBy(() -> ChangeParser.parse(record(key(1),
                noTable.toString().getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("source.table");
    }
}
