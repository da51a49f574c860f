package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Arrays;

/**
 * A JSON value kept as the bytes it was read from, equal to another by content. Lets a reader recognise a value it
 * has seen before (a Kafka Connect schema repeated in every event of a table) by comparing bytes, without building
 * and comparing trees; {@link #tree()} parses it when it is new.
 */
public final class RawJson {

    private final byte[] bytes;
    private final int hash;

    private RawJson(byte[] owned) {
        this.bytes = owned;
        this.hash = Arrays.hashCode(owned);
    }

    /** The JSON value held in {@code source[from, to)}, copied. */
    public static RawJson copyOf(byte[] source, int from, int to) {
        return new RawJson(Arrays.copyOfRange(source, from, to));
    }

    /** A tree written as JSON. */
    public static RawJson of(JsonNode tree) {
        try {
            return new RawJson(Json.mapper().writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The value as a tree, parsed anew on each call (the tree is mutable; the bytes are not). */
    public JsonNode tree() {
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            // The bytes were a complete JSON value when they were read; this cannot happen.
            throw new IllegalStateException("a stored JSON value does not parse", e);
        }
    }

    public int length() {
        return bytes.length;
    }

    /** True when {@code source} holds exactly these bytes from {@code from} on. */
    public boolean isAt(byte[] source, int from) {
        return from >= 0 && source.length - from >= bytes.length
                && Arrays.equals(source, from, from + bytes.length, bytes, 0, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawJson other && other.hash == hash && Arrays.equals(other.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
