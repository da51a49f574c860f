package io.cdcflow.sink.internal;

import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.WireFormat;
import io.cdcflow.registryclient.AvroJson;
import io.cdcflow.registryclient.RegisteredSchema;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.sink.SinkConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.apache.avro.Schema;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import static io.cdcflow.model.MalformedEventException.Reason.SCHEMA_MISMATCH;

/**
 * The JSON envelope inside a validated record's value. The router writes values in the Confluent wire format: a
 * JSON payload is the envelope itself (an object: it starts with {@code '{'}, which the Avro binary of an envelope,
 * starting with a union index, never does); an Avro payload is decoded under the Avro schema its frame names, read
 * from the registry once per id. A value without a frame (a router before framing, a sink's own redrive) is JSON.
 */
@ApplicationScoped
public class FramedValues {

    private final Instance<SchemaRegistryClient> registry;
    private final boolean registryConfigured;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final java.util.Set<Integer> jsonSchemas = ConcurrentHashMap.newKeySet();

    FramedValues(Instance<SchemaRegistryClient> registry, SinkConfig config) {
        this.registry = registry;
        this.registryConfigured = config.registry().url().isPresent();
    }

    /** The JSON envelope of a value. */
    public byte[] envelope(byte[] value) {
        OptionalInt id = WireFormat.schemaId(value);
        if (id.isEmpty()) {
            return value;
        }
        byte[] payload = WireFormat.payload(value);
        if (isJson(payload)) {
            return payload;
        }
        return json(AvroJson.decode(schema(id.getAsInt(), false), payload));
    }

    private static byte[] json(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a decoded Avro value as JSON", e);
        }
    }

    /**
     * The JSON object of a key: as it is when bare; from its frame (router's {@code key-format=framed}) as the
     * registry's schema of the frame's id says, JSON text or Avro binary (which, unlike an envelope's, may begin
     * with any byte, so the type is looked up).
     */
    public byte[] key(byte[] key) {
        OptionalInt id = WireFormat.schemaId(key);
        if (id.isEmpty()) {
            return key;
        }
        Schema avro = schema(id.getAsInt(), true);
        byte[] payload = WireFormat.payload(key);
        return avro == null ? payload : json(AvroJson.decode(avro, payload));
    }

    /** The JSON envelope of a value that is bare or JSON in a frame; an Avro frame fails, naming what it needs. */
    static byte[] withoutRegistry(byte[] value) {
        byte[] payload = WireFormat.payload(value);
        if (payload != value && !isJson(payload)) {
            throw new MalformedEventException(SCHEMA_MISMATCH, "an Avro value (schema id "
                    + WireFormat.schemaId(value).getAsInt() + ") needs the schema registry: set cdc.sink.registry.url");
        }
        return payload;
    }

    private static boolean isJson(byte[] payload) {
        return payload.length > 0 && payload[0] == '{';
    }

    /** The Avro schema of an id; null for a JSON Schema where {@code jsonAllowed}. */
    private Schema schema(int id, boolean jsonAllowed) {
        if (jsonSchemas.contains(id) && jsonAllowed) {
            return null;
        }
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        if (!registryConfigured) {
            throw new MalformedEventException(SCHEMA_MISMATCH, "a framed value or key (schema id " + id
                    + ") needs the schema registry: set cdc.sink.registry.url");
        }
        RegisteredSchema registered = registry.get().byId(id).orElseThrow(() -> new MalformedEventException(
                SCHEMA_MISMATCH, "the value's schema id " + id + " is not in the registry"));
        if ("JSON".equals(registered.type()) && jsonAllowed) {
            jsonSchemas.add(id);
            return null;
        }
        if (!"AVRO".equals(registered.type())) {
            throw new MalformedEventException(SCHEMA_MISMATCH, "the value is framed with schema id " + id + " of type "
                    + registered.type() + " but its payload is not JSON");
        }
        Schema parsed;
        try {
            parsed = new Schema.Parser().parse(registered.text());
        } catch (RuntimeException e) {
            throw new MalformedEventException(SCHEMA_MISMATCH, "schema id " + id + " is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
        schemas.put(id, parsed);
        return parsed;
    }
}
