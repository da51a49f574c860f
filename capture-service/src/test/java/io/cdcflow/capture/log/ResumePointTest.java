package io.cdcflow.capture.log;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResumePointTest {

    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA).field("event_count", Schema.OPTIONAL_INT64_SCHEMA).build();

    @Test
    void offsetsOutsideATransactionAreResumePoints() {
        assertThat(ResumePoint.isResumePoint(record(Map.of("file", "mariadb-bin.000001", "pos", 4L), null))).isTrue();
        assertThat(ResumePoint.isResumePoint(record(Map.of("lsn", 1234L, "transaction_id", "77"), null)))
                .as("PostgreSQL: nothing to skip, an LSN position").isTrue();
    }

    @Test
    void theStartOfATransactionIsAResumePoint() {
        assertThat(ResumePoint.isResumePoint(record(Map.of("file", "f", "pos", 4L, "transaction_id", "0-1-66"),
                marker("BEGIN")))).isTrue();
    }

    @Test
    void anOffsetInsideATransactionWaitsForItsEnd() {
        Map<String, Object> inside = new HashMap<>(Map.of("file", "f", "pos", 4L, "transaction_id", "0-1-66", "event", 3L));
        assertThat(ResumePoint.isResumePoint(record(inside, null))).isFalse();
        assertThat(ResumePoint.isResumePoint(record(Map.of("file", "f", "pos", 4L, "transaction_id", "0-1-66",
                "event", 1L, "row", 2), null))).as("rows left in a multi-row event").isFalse();
        assertThat(ResumePoint.isResumePoint(record(inside, marker("END")))).as("the END marker skips it all").isTrue();
    }

    @Test
    void withoutTransactionMetadataEveryOffsetIsAResumePoint() {
        // No transaction_id: positions are binlog file and offset, which a resume does not renumber.
        assertThat(ResumePoint.isResumePoint(record(Map.of("file", "f", "pos", 4L, "event", 3L, "row", 1), null))).isTrue();
    }

    private static Struct marker(String status) {
        return new Struct(MARKER).put("status", status).put("id", "0-1-66");
    }

    private static SourceRecord record(Map<String, ?> offset, Struct value) {
        return new SourceRecord(Map.of("server", "s"), offset, "t", null, null, value == null ? null : MARKER, value);
    }
}
