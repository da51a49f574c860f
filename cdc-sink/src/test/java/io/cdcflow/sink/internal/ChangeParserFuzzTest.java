package io.cdcflow.sink.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.WireFormat;
import io.cdcflow.sink.SinkChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Coverage-guided fuzzing (Jazzer) of the sink's parsing entry point: any key and value bytes, bare or in a
 * Confluent frame, become a change or a {@link MalformedEventException} (a dead letter with its reason), never
 * another exception that would stop the consumer. {@code mvn test} replays the regression corpus in
 * {@code src/test/resources/io/cdcflow/sink/internal/ChangeParserFuzzTestInputs/}; the README's "Bad input" section
 * gives the command that fuzzes it for a while.
 */
class ChangeParserFuzzTest {

    private static final String VALID = "{\"before\":null,\"after\":{\"id\":1,\"name\":\"a\"},\"op\":\"c\",\"ts_ms\":1,"
            + "\"source\":{\"connector\":\"postgresql\",\"name\":\"src\",\"db\":\"inventory\",\"schema\":\"public\","
            + "\"table\":\"customers\",\"ts_ms\":1,\"snapshot\":\"false\",\"lsn\":42},\"transaction\":null}";
    private static final String[] KEYS = {"{\"id\":1}", "{\"id\":\"x:y\"}", "{}", "[]", "null", "{\"id\":1e99999}", ""};
    private static final String[] VALUES = {VALID, VALID.replace("\"op\":\"c\"", "\"op\":\"t\""), VALID.replace("42", "-1")};

    @FuzzTest
    void anyRecordIsAChangeOrADeadLetter(FuzzedDataProvider data) {
        byte[] key = switch (data.consumeInt(0, 2)) {
            case 0 -> data.pickValue(KEYS).getBytes(StandardCharsets.UTF_8);
            case 1 -> data.consumeBytes(20);
            default -> null;
        };
        byte[] value = switch (data.consumeInt(0, 3)) {
            case 0 -> mutated(data);
            case 1 -> data.consumeBytes(64);
            case 2 -> data.pickValue(VALUES).getBytes(StandardCharsets.UTF_8);
            default -> null;
        };
        if (value != null && data.consumeBoolean()) {
            value = WireFormat.frame(data.consumeInt(), value);
        }
        byte[] k = key;
        byte[] v = value;
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            try {
                SinkChange change = ChangeParser.parse(new ConsumerRecord<>("validated.src.public.customers", 0, 1L, k, v));
                assertThat(change.event().table().table()).isNotEmpty();
                assertThat(change.position()).isNotNull();
                assertThat(change.key() != null || change.event().op() == Op.TRUNCATE).isTrue();
            } catch (MalformedEventException e) {
                assertThat(e.reason()).isNotNull();
            }
        });
    }

    /** {@link #VALID} with up to four characters replaced by up to three others each. */
    private static byte[] mutated(FuzzedDataProvider data) {
        StringBuilder out = new StringBuilder(VALID);
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits; i++) {
            int at = data.consumeInt(0, out.length() - 1);
            out.replace(at, Math.min(out.length(), at + 1), data.consumeString(3));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
