package io.cdcflow.registryclient;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroJsonTest {

    private static final Schema ROW = new Schema.Parser().parse("""
            {"type":"record","name":"Envelope","namespace":"t","fields":[
              {"name":"before","type":["null",{"type":"record","name":"Value","fields":[
                {"name":"id","type":"long"},
                {"name":"price","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}],"default":null},
                {"name":"blob","type":["null","bytes"],"default":null},
                {"name":"mood","type":["null",{"type":"enum","name":"Mood","symbols":["happy","sad"]}],"default":null},
                {"name":"tags","type":["null",{"type":"array","items":"string"}],"default":null},
                {"name":"attrs","type":["null",{"type":"map","values":"int"}],"default":null},
                {"name":"ratio","type":["null","double"],"default":null},
                {"name":"flag","type":"boolean","default":true}]}],"default":null},
              {"name":"after","type":["null","Value"],"default":null},
              {"name":"op","type":"string"}]}
            """);

    @Test
    void anEventGoesToAvroAndBackUnchanged() throws Exception {
        JsonNode event = Json.mapper().readTree("""
                {"before":null,"after":{"id":7,"price":12.50,"blob":"AAEC/w==","mood":"sad","tags":["a","b"],
                 "attrs":{"x":1},"ratio":0.25,"flag":false},"op":"c"}""");
        byte[] avro = AvroJson.encode(ROW, event);

        GenericRecord read = (GenericRecord) new GenericDatumReader<>(ROW).read(null,
                DecoderFactory.get().binaryDecoder(avro, null));
        GenericRecord after = (GenericRecord) read.get("after");
        assertThat(new BigDecimal(new java.math.BigInteger(((ByteBuffer) after.get("price")).array()), 2))
                .as("Apache Avro reads the decimal's unscaled bytes at the schema's scale").isEqualByComparingTo("12.50");
        assertThat(after.get("mood").toString()).isEqualTo("sad");

        JsonNode back = AvroJson.decode(ROW, avro);
        assertThat(back.get("after").get("price").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(back.get("after").get("blob").asText()).isEqualTo("AAEC/w==");
        assertThat(back.get("after").get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(back.get("after").get("attrs").get("x").asInt()).isEqualTo(1);
        assertThat(back.get("after").get("flag").asBoolean()).isFalse();
        assertThat(back.get("before").isNull()).isTrue();
        assertThat(back.get("op").asText()).isEqualTo("c");
    }

    @Test
    void anAbsentFieldTakesItsDefault() throws Exception {
        JsonNode event = Json.mapper().readTree("{\"after\":{\"id\":1},\"op\":\"r\"}");
        JsonNode back = AvroJson.decode(ROW, AvroJson.encode(ROW, event));
        assertThat(back.get("after").get("flag").asBoolean()).isTrue();
        assertThat(back.get("after").get("price").isNull()).isTrue();
    }

    @Test
    void aDecimalFinerThanItsScaleIsRefusedNotRounded() throws Exception {
        JsonNode event = Json.mapper().readTree("{\"after\":{\"id\":1,\"price\":1.005},\"op\":\"c\"}");
        assertThatThrownBy(() -> AvroJson.encode(ROW, event)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("after.price").hasMessageContaining("scale 2");
    }

    @Test
    void bytesThatAreNotTheSchemasAvroAreRefused() {
        assertThatThrownBy(() -> AvroJson.decode(ROW, new byte[]{9, 9, 9}))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not Avro binary");
    }
}
