package io.cdcflow.router.consume;

import io.cdcflow.router.route.Decision;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CarryRedriveTest {

    @Test
    void aRedrivenRecordsCountGoesOnWithItAndNothingElseOfItsHeadersDoes() {
        RecordHeaders read = new RecordHeaders();
        read.add("cdc.redrive.count", "2".getBytes(StandardCharsets.UTF_8));
        read.add("cdc.redrive.at", "2026-12-05T10:00:00Z".getBytes(StandardCharsets.UTF_8));
        read.add("some.other", "x".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("src.public.items", 0, 7, 0L, TimestampType.CREATE_TIME,
                0, 0, null, null, read, Optional.empty());
        RecordHeaders out = new RecordHeaders();
        out.add("cdc.schema.id", "4".getBytes(StandardCharsets.UTF_8));

        RouterLoop.carryRedrive(r, new Decision.Write("validated.src.public.items", null, null, out));

        assertThat(new String(out.lastHeader("cdc.redrive.count").value(), StandardCharsets.UTF_8)).isEqualTo("2");
        assertThat(out.lastHeader("cdc.redrive.at")).isNotNull();
        assertThat(out.lastHeader("some.other")).isNull();
        assertThat(out.lastHeader("cdc.schema.id")).isNotNull();
    }
}
