package io.cdcflow.sink.internal;

import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.sink.SinkChange;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Property-based fuzzing of the sink's parsing entry point: any key and value bytes become a change or a
 * {@link MalformedEventException} (a dead letter with its reason), never another exception that would stop the
 * consumer. Tries per property: {@code src/test/resources/junit-platform.properties}; longer runs with
 * {@code -Djqwik.tries.default=100000}.
 */
class ChangeParserFuzzTest {

    private static final String VALID = "{\"before\":null,\"after\":{\"id\":1,\"name\":\"a\"},\"op\":\"c\",\"ts_ms\":1,"
            + "\"source\":{\"connector\":\"postgresql\",\"name\":\"src\",\"db\":\"inventory\",\"schema\":\"public\","
            + "\"table\":\"customers\",\"ts_ms\":1,\"snapshot\":\"false\",\"lsn\":42},\"transaction\":null}";

    @Property
    void anyRecordIsAChangeOrADeadLetter(@ForAll("keys") byte[] key, @ForAll("values") byte[] value) {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            try {
                SinkChange change = ChangeParser.parse(new ConsumerRecord<>("validated.src.public.customers", 0, 1L, key, value));
                assertThat(change.event().table().table()).isNotEmpty();
                assertThat(change.position()).isNotNull();
                assertThat(change.key() != null || change.event().op() == Op.TRUNCATE).isTrue();
            } catch (MalformedEventException e) {
                assertThat(e.reason()).isNotNull();
            }
        });
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.oneOf(Arbitraries.of("{\"id\":1}", "{\"id\":\"x:y\"}", "{}", "[]", "null", "{\"id\":1e99999}", "")
                .map(s -> s.getBytes(StandardCharsets.UTF_8)), Arbitraries.bytes().array(byte[].class).ofMaxSize(20),
                Arbitraries.just(null));
    }

    @Provide
    Arbitrary<byte[]> values() {
        Arbitrary<byte[]> mutated = Arbitraries.integers().between(0, VALID.length() - 1).list().ofMinSize(1).ofMaxSize(4)
                .flatMap(cuts -> Arbitraries.strings().ofMaxLength(3).list().ofSize(cuts.size()).map(inserts -> {
                    StringBuilder out = new StringBuilder(VALID);
                    for (int i = 0; i < cuts.size(); i++) {
                        int at = Math.min(cuts.get(i), out.length());
                        out.replace(at, Math.min(out.length(), at + 1), inserts.get(i));
                    }
                    return out.toString().getBytes(StandardCharsets.UTF_8);
                }));
        return Arbitraries.oneOf(mutated, Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.of(VALID, VALID.replace("\"op\":\"c\"", "\"op\":\"t\""), VALID.replace("42", "-1"))
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)), Arbitraries.just(null));
    }
}
