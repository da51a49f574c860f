package io.cdcflow.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WireFormatTest {

    @Test
    void aFramedValueCarriesTheMagicByteTheIdAndThePayload() {
        byte[] framed = WireFormat.frame(258, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(framed).startsWith(0, 0, 0, 1, 2);
        assertThat(WireFormat.schemaId(framed)).hasValue(258);
        assertThat(new String(WireFormat.payload(framed), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void bareJsonIsNotFramed() {
        byte[] bare = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(WireFormat.schemaId(bare)).isEmpty();
        assertThat(WireFormat.payload(bare)).isSameAs(bare);
        assertThat(WireFormat.schemaId(new byte[]{0, 0, 1})).as("too short for a frame").isEmpty();
        assertThat(WireFormat.schemaId(null)).isEmpty();
    }
}
