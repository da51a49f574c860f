package io.cdcflow.router.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.cdcflow.model.Json;
import io.cdcflow.testkit.Services;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a validated value by Confluent's deserialization rules, with the schema fetched from the registry by the id
 * in the frame ({@code GET /schemas/ids/{id}}): the magic byte 0, the 4-byte id, then for a JSON Schema the JSON
 * text, which must validate against it (as {@code KafkaJsonSchemaDeserializer} with validation on), and for an Avro
 * schema the Avro binary, read by Apache Avro's own reader (as {@code KafkaAvroDeserializer}).
 */
final class ConfluentDecoding {

    private ConfluentDecoding() {
    }

    /** The frame's schema id. */
    static int schemaId(ConsumerRecord<byte[], byte[]> r) {
        return schemaId(r.value());
    }

    private static int schemaId(byte[] v) {
        assertThat(v.length).as("a framed value has a 5-byte header").isGreaterThan(5);
        assertThat(v[0]).as("the magic byte").isEqualTo((byte) 0);
        return ByteBuffer.wrap(v, 1, 4).getInt();
    }

    /** The JSON payload, validated against the JSON Schema its frame names. */
    static JsonNode jsonSchemaValue(ConsumerRecord<byte[], byte[]> r) throws Exception {
        JsonNode registered = schema(schemaId(r));
        assertThat(registered.path("schemaType").asText()).isEqualTo("JSON");
        JsonNode payload = Json.mapper().readTree(r.value(), 5, r.value().length - 5);
        var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(Json.mapper().readTree(registered.path("schema").asText()));
        assertThat(schema.validate(payload)).as("the payload against its registered JSON Schema").isEmpty();
        return payload;
    }

    /** The Avro record of the value, read under the Avro schema its frame names. */
    static GenericRecord avroValue(ConsumerRecord<byte[], byte[]> r) throws Exception {
        return avro(r.value());
    }

    /** The Avro record of the key, read under the Avro schema its frame names. */
    static GenericRecord avroKey(ConsumerRecord<byte[], byte[]> r) throws Exception {
        return avro(r.key());
    }

    private static GenericRecord avro(byte[] framed) throws Exception {
        JsonNode registered = schema(schemaId(framed));
        assertThat(registered.path("schemaType").asText("AVRO")).isEqualTo("AVRO");
        Schema schema = new Schema.Parser().parse(registered.path("schema").asText());
        var decoder = DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null);
        GenericRecord record = (GenericRecord) new GenericDatumReader<>(schema).read(null, decoder);
        assertThat(decoder.isEnd()).as("the payload is exactly one record").isTrue();
        return record;
    }

    private static JsonNode schema(int id) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(Services.url("schema-registry") + "/schemas/ids/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("schema id %d in the registry: %s", id, answer.body()).isEqualTo(200);
        return Json.mapper().readTree(answer.body());
    }
}
