package io.cdcflow.bench.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CommitLatencyProbeTest {

    @Test
    void readsSourceTsFromAnEnvelopeWrappedWithItsSchema() {
        String value = "{\"schema\":{\"fields\":[{\"field\":\"source\",\"fields\":[{\"field\":\"ts_ms\"}]}]},"
                + "\"payload\":{\"before\":null,\"after\":{\"id\":1},\"source\":{\"version\":\"3.5.0.Final\",\"ts_ms\":1732500000123,"
                + "\"db\":\"inventory\"},\"op\":\"c\",\"ts_ms\":1732500000999}}";
        assertThat(CommitLatencyProbe.sourceTsMs(value.getBytes(StandardCharsets.UTF_8))).isEqualTo(1732500000123L);
    }

    @Test
    void readsSourceTsFromABareEnvelope() {
        String value = "{\"before\":null,\"after\":{\"id\":1},\"source\":{\"connector\":\"trigger\",\"ts_ms\":42},\"op\":\"c\"}";
        assertThat(CommitLatencyProbe.sourceTsMs(value.getBytes(StandardCharsets.UTF_8))).isEqualTo(42L);
    }

    @Test
    void noSourceMeansMinusOne() {
        assertThat(CommitLatencyProbe.sourceTsMs("{\"op\":\"c\",\"ts_ms\":5}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1L);
    }
}
