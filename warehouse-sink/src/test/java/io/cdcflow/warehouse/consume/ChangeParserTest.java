package io.cdcflow.warehouse.consume;

import io.cdcflow.model.ChangeEvent;
import io.cdcflow.model.Op;
import io.cdcflow.warehouse.write.SinkChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.cdcflow.warehouse.TestEvents.event;
import static io.cdcflow.warehouse.TestEvents.key;
import static io.cdcflow.warehouse.TestEvents.row;
import static io.cdcflow.warehouse.TestEvents.source;
import static io.cdcflow.warehouse.TestEvents.value;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeParserTest {

    // No record here carries cdc.schema.id, so the registry is never asked.
    private final ChangeParser parser = new ChangeParser(null);

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>("validated.inventory.public.customers", 2, 40, key, value);
    }

    @Test
    void aChangeBecomesARowChangeWithItsPositionAndTable() {
        ChangeEvent e = event(Op.CREATE, source("inventory", "public", "customers", 1234, 1_000), null, row("id", 7));
        ParseResult r = parser.parse(record(key(row("id", 7)), value(e)));
        assertThat(r).isInstanceOf(ParseResult.Accepted.class);
        SinkChange.RowChange rc = (SinkChange.RowChange) ((ParseResult.Accepted) r).change();
        assertThat(rc.position().value()).isEqualTo(1234);
        assertThat(rc.table().qualifiedName()).isEqualTo("inventory.public.customers");
        assertThat(rc.key().columns().get("id").asInt()).isEqualTo(7);
        assertThat(rc.schema()).isEmpty();
        assertThat(rc.origin().offset()).isEqualTo(40);
    }

    @Test
    void aTruncateNeedsNoKey() {
        ChangeEvent e = event(Op.TRUNCATE, source("inventory", "public", "customers", 99, 1_000), null, null);
        ParseResult r = parser.parse(record(null, value(e)));
        assertThat(((ParseResult.Accepted) r).change()).isInstanceOf(SinkChange.TableTruncate.class);
    }

    @Test
    void malformedRecordsAreRejectedWithTheirReason() {
        ChangeEvent e = event(Op.CREATE, source("inventory", "public", "customers", 1, 1_000), null, row("id", 7));
        assertThat(reason(parser.parse(record(key(row("id", 7)), "{not json".getBytes(StandardCharsets.UTF_8)))))
                .isEqualTo("unparseable_json");
        assertThat(reason(parser.parse(record(null, value(e))))).isEqualTo("missing_key");
        assertThat(reason(parser.parse(record(key(row("id", 7)), "{\"op\":\"x\",\"source\":{}}".getBytes(StandardCharsets.UTF_8)))))
                .isEqualTo("unknown_op");
        assertThat(reason(parser.parse(record(key(row("id", 7)),
                "{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"connector\":\"postgresql\"}}".getBytes(StandardCharsets.UTF_8)))))
                .isEqualTo("bad_position");
    }

    @Test
    void schemaIdHeaderIsReadAsANumber() {
        ConsumerRecord<byte[], byte[]> r = record(null, null);
        assertThat(ChangeParser.schemaId(r)).isEmpty();
        r.headers().add(ChangeParser.SCHEMA_ID_HEADER, "17".getBytes(StandardCharsets.UTF_8));
        assertThat(ChangeParser.schemaId(r)).contains(17);
    }

    private static String reason(ParseResult r) {
        assertThat(r).isInstanceOf(ParseResult.Rejected.class);
        return ((ParseResult.Rejected) r).deadLetter().reason();
    }
}
