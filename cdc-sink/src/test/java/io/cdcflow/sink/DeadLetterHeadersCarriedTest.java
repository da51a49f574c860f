package io.cdcflow.sink;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterHeadersCarriedTest {

    @Test
    void aDeadLetterKeepsTheRecordsHeadersSoARedriveRestoresThemAndItsCountGrows() {
        RecordHeaders read = new RecordHeaders();
        read.add("cdc.schema.id", "7".getBytes(StandardCharsets.UTF_8));
        read.add("cdc.redrive.count", "2".getBytes(StandardCharsets.UTF_8));
        read.add("cdc.dlq.reason", "stale".getBytes(StandardCharsets.UTF_8)); // never doubled
        DeadLetter letter = new DeadLetter(new RecordOrigin("validated.src.public.items", 1, 42, null, null, read),
                "bad_value", "a value the store refused");

        RecordHeaders h = DeadLetterPublisher.headers(letter, "warehouse-sink");

        assertThat(text(h, "cdc.schema.id")).isEqualTo("7");
        assertThat(text(h, "cdc.redrive.count")).isEqualTo("2");
        assertThat(h.headers("cdc.dlq.reason")).hasSize(1);
        assertThat(text(h, "cdc.dlq.reason")).isEqualTo("bad_value");
        assertThat(text(h, "cdc.dlq.topic")).isEqualTo("validated.src.public.items");
        assertThat(text(h, "cdc.dlq.offset")).isEqualTo("42");
    }

    private static String text(RecordHeaders h, String name) {
        return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
