package io.cdcflow.sink.internal;

import io.cdcflow.model.ChangeEventSerde;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.RowKey;
import io.cdcflow.sink.Events;
import io.cdcflow.sink.SinkChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeParserTest {

    private static final byte[] KEY = "{\"id\":7}".getBytes(StandardCharsets.UTF_8);

    @Test
    void parsesKeyEventPositionTableAndSchemaId() {
        byte[] value = ChangeEventSerde.writeValue(Events.event("inv", "customers", Op.CREATE, 1234,
                Events.row("id", 7, "name", "x")));
        ConsumerRecord<byte[], byte[]> r = Events.record("validated.inv.public.customers", KEY, value);
        r.headers().add(io.cdcflow.model.CdcHeaders.SCHEMA_ID, "42".getBytes(StandardCharsets.UTF_8));
        SinkChange c = ChangeParser.parse(r);
        assertThat(c.key().asString()).isEqualTo("7");
        assertThat(c.position()).isEqualTo(new io.cdcflow.model.Position(1234));
        assertThat(c.table().qualifiedName()).isEqualTo("inv.public.customers");
        assertThat(c.schemaId()).hasValue(42);
        assertThat(c.origin().offset()).isEqualTo(42L);
    }

    @Test
    void noOrBadSchemaHeaderMeansNoSchema() {
        byte[] value = ChangeEventSerde.writeValue(Events.event("inv", "t", Op.CREATE, 1, Events.row("id", 7)));
        ConsumerRecord<byte[], byte[]> r = Events.record("validated.inv.public.t", KEY, value);
        assertThat(ChangeParser.parse(r).schemaId()).isEmpty();
        r.headers().add(io.cdcflow.model.CdcHeaders.SCHEMA_ID, "abc".getBytes(StandardCharsets.UTF_8));
        assertThat(ChangeParser.parse(r).schemaId()).isEmpty();
    }

    @Test
    void aValueInTheConfluentWireFormatIsReadFromItsFrame() {
        byte[] value = ChangeEventSerde.writeValue(Events.event("inv", "t", Op.CREATE, 5, Events.row("id", 7)));
        SinkChange c = ChangeParser.parse(Events.record("validated.inv.public.t", KEY, io.cdcflow.model.WireFormat.frame(3, value)));
        assertThat(c.position()).isEqualTo(new io.cdcflow.model.Position(5));

        byte[] avro = io.cdcflow.model.WireFormat.frame(3, new byte[]{2, 0, 4});
        assertThatThrownBy(() -> ChangeParser.parse(Events.record("validated.inv.public.t", KEY, avro)))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> assertThat(e).hasMessageContaining(
                        "cdc.sink.registry.url").extracting(MalformedEventException::reason)
                        .isEqualTo(MalformedEventException.Reason.SCHEMA_MISMATCH));
    }

    @Test
    void aTruncateNeedsNoKey() {
        byte[] value = ChangeEventSerde.writeValue(Events.event("inv", "t", Op.TRUNCATE, 9, null));
        SinkChange c = ChangeParser.parse(Events.record("validated.inv.public.t", null, value));
        assertThat(c.key()).isNull();
        assertThat(c.event().op()).isEqualTo(Op.TRUNCATE);
    }

    @Test
    void malformedRecordsFailWithTheirReason() {
        assertThatThrownBy(() -> ChangeParser.parse(Events.record("t", KEY, "not json".getBytes())))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.UNPARSEABLE_JSON));
        byte[] value = ChangeEventSerde.writeValue(Events.event("inv", "t", Op.CREATE, 1, Events.row("id", 7)));
        assertThatThrownBy(() -> ChangeParser.parse(Events.record("t", null, value)))
                .isInstanceOfSatisfying(MalformedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.MISSING_KEY));
        assertThat(new RowKey(Events.row("id", 7)).asString()).isEqualTo("7");
    }
}
