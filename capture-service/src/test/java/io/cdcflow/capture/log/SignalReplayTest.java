package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which snapshot requests {@link SignalReplay} writes again, from the records the engine hands over. */
class SignalReplayTest {

    private static final String SIGNAL_TOPIC = "src.inventory.cdcflow_signal_src";
    private static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA)
            .field("type", Schema.STRING_SCHEMA).field("data", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("before", ROW).field("after", ROW)
            .field("op", Schema.STRING_SCHEMA).build();

    private final SignalReplay replay = new SignalReplay("src", new SignalTable("src", null,
            TableId.parse("inventory.cdcflow_signal_src")), SIGNAL_TOPIC);

    @Test
    void anyRecordShowsThePositionIsTaken() {
        assertThat(replay.positionTaken()).isFalse();
        replay.observe(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.src", null, null));
        assertThat(replay.positionTaken()).isTrue();
    }

    @Test
    void requestsListedBeforeTheProbeAndNotStreamedBeforeItAreWrittenAgain() {
        replay.observe(signal("c", "cdcflow-streamed", "execute-snapshot"));
        replay.probing("probe-2", List.of("cdcflow-streamed", "cdcflow-missed", "cdcflow-read"));
        // Read by an initial snapshot of the signal table, not streamed: Debezium does not act on it.
        replay.observe(signal("r", "cdcflow-read", "execute-snapshot"));
        replay.observe(signal("c", "probe-1", "log"));
        assertThat(replay.toReplay()).as("an earlier probe decides nothing").isNull();
        replay.observe(signal("c", "probe-2", "log"));
        assertThat(replay.toReplay()).containsExactly("cdcflow-missed", "cdcflow-read");
    }

    private static SourceRecord signal(String op, String id, String type) {
        Struct row = new Struct(ROW).put("id", id).put("type", type).put("data", "{}");
        Struct envelope = new Struct(ENVELOPE).put("after", row).put("op", op);
        return new SourceRecord(Map.of(), Map.of(), SIGNAL_TOPIC, null, null, null, ENVELOPE, envelope);
    }
}
