package io.cdcflow.model;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Coverage-guided fuzzing (Jazzer) of the envelope parser: whatever bytes arrive, {@link ChangeEventSerde} returns a
 * valid event or throws {@link MalformedEventException} (which the router and sinks dead-letter), never another
 * exception and never hangs; valid envelopes round-trip. {@code mvn test} replays the regression corpus in
 * {@code src/test/resources/io/cdcflow/model/ChangeEventSerdeFuzzTestInputs/<test>/}; the README's "Bad input"
 * section gives the command that fuzzes one of them for a while (what it finds lands in that folder).
 */
class ChangeEventSerdeFuzzTest {

    private static final Duration PER_INPUT = Duration.ofSeconds(2);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] PATHS = {"before", "after", "op", "ts_ms", "source", "transaction",
            "source.connector", "source.lsn", "source.snapshot", "source.table", "source.schema", "source.name",
            "source.file", "source.pos", "source.row", "source.seq", "source.ts_us", "source.gtid",
            "source.cdc_generation", "transaction.id", "transaction.total_order"};
    private static final byte[] EDIT_BYTES = {'"', '{', '}', '[', ']', ',', ':', '\\', '0', '-', 'e', 0, (byte) 0xC3,
            (byte) 0xFF, (byte) 0xFE, (byte) 0x80, 'n', ' '};

    @FuzzTest
    void anyBytesParseOrAreRefusedAsMalformed(byte[] value) {
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readValue(value));
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readKey(value));
    }

    @FuzzTest
    void validEnvelopesRoundTrip(FuzzedDataProvider data) {
        ChangeEvent event = event(data);
        byte[] written = ChangeEventSerde.writeValue(event);

        ChangeEvent read = ChangeEventSerde.readValue(written).event();

        // Compared as text: a long written as 0 is read back as an int node, equal in JSON but not in Jackson.
        assertThat(ChangeEventSerde.toJson(read).toString()).isEqualTo(ChangeEventSerde.toJson(event).toString());
        assertThat(ChangeEventSerde.writeValue(read)).isEqualTo(written);
        assertThat(read.position()).isEqualTo(event.position());

        ObjectNode wrapped = NODES.objectNode();
        wrapped.putObject("schema").put("type", "struct");
        wrapped.set("payload", ChangeEventSerde.toJson(event));
        Envelope unwrapped = ChangeEventSerde.readValue(wrapped.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(unwrapped.hasConnectSchema()).isTrue();
        assertThat(ChangeEventSerde.toJson(unwrapped.event()).toString()).isEqualTo(ChangeEventSerde.toJson(event).toString());
    }

    /** A valid envelope (bare or wrapped with a schema), a field replaced or removed, then bytes edited. */
    @FuzzTest
    void changedEnvelopesParseOrAreRefused(FuzzedDataProvider data) {
        ObjectNode json = ChangeEventSerde.toJson(event(data));
        String path = data.pickValue(PATHS);
        ObjectNode parent = json;
        String field = path;
        int dot = path.indexOf('.');
        if (dot >= 0) {
            parent = json.get(path.substring(0, dot)) instanceof ObjectNode p ? p : null;
            field = path.substring(dot + 1);
        }
        if (parent != null) {
            switch (data.consumeInt(0, 2)) {
                case 0 -> parent.set(field, anyJson(data, 3));
                case 1 -> parent.remove(field);
                default -> { }
            }
        }
        JsonNode top = json;
        if (data.consumeBoolean()) {
            ObjectNode wrapped = NODES.objectNode();
            wrapped.putObject("schema").put("type", "struct").putArray("fields").addObject().put("field", "before");
            wrapped.set("payload", json);
            top = wrapped;
        }
        byte[] bytes = top.toString().getBytes(StandardCharsets.UTF_8);
        int edits = data.consumeInt(0, 8);
        for (int i = 0; i < edits; i++) {
            bytes = edit(bytes, data.consumeInt(0, 2), data.consumeInt(0, Integer.MAX_VALUE), data.pickValue(EDIT_BYTES));
        }
        byte[] changed = bytes;
        assertParsesOrIsMalformed(() -> {
            Envelope read = ChangeEventSerde.readValue(changed);
            if (read.hasConnectSchema()) {
                read.connectSchema(); // the kept bytes are a whole JSON value
            }
            return read;
        });
    }

    /**
     * Parses within a time limit; a successful parse must also yield the derived values the router and sinks
     * read next (table, position, key string), each of which may only fail as malformed too.
     */
    private static void assertParsesOrIsMalformed(Supplier<Object> parse) {
        assertTimeoutPreemptively(PER_INPUT, () -> {
            try {
                switch (parse.get()) {
                    case Envelope e -> {
                        assertThat(e.event()).isNotNull();
                        assertThat(e.event().table()).isNotNull();
                        assertThat(e.event().row() != null || e.event().op() == Op.TRUNCATE).isTrue();
                        e.event().position();
                    }
                    case RowKey k -> assertThat(k.asString()).isNotNull();
                    default -> throw new AssertionError("unexpected result");
                }
            } catch (MalformedEventException expected) {
                assertThat(expected.reason()).isNotNull();
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }

    private static byte[] edit(byte[] bytes, int kind, int position, byte b) {
        if (bytes.length == 0) {
            return new byte[] {b};
        }
        int at = Math.floorMod(position, bytes.length);
        return switch (kind) {
            case 0 -> {
                byte[] out = bytes.clone();
                out[at] = b;
                yield out;
            }
            case 1 -> {
                byte[] out = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, out, 0, at);
                out[at] = b;
                System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                yield out;
            }
            default -> {
                byte[] out = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
                yield out;
            }
        };
    }

    private static JsonNode anyJson(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth > 0 ? 7 : 5)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(data.consumeBoolean());
            case 2 -> NODES.numberNode(data.consumeLong());
            case 3 -> NODES.numberNode(BigDecimal.valueOf(data.consumeLong(), data.consumeInt(-20, 20)));
            case 4 -> NODES.textNode(data.consumeString(12));
            case 5 -> NODES.textNode(data.consumeAsciiString(4));
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                int n = data.consumeInt(0, 3);
                for (int i = 0; i < n; i++) {
                    a.add(anyJson(data, depth - 1));
                }
                yield a;
            }
            default -> NODES.objectNode().set(data.consumeAsciiString(5), anyJson(data, depth - 1));
        };
    }

    private static ChangeEvent event(FuzzedDataProvider data) {
        Op op = data.pickValue(Op.values());
        ObjectNode before = row(data);
        ObjectNode after = row(data);
        long ts = data.consumeLong();
        SourceInfo source = switch (data.consumeInt(0, 4)) {
            case 0 -> source("postgresql").with("lsn", data.consumeLong(1, Long.MAX_VALUE)).with("snapshot", "false");
            case 1 -> source("postgresql").with("snapshot", data.pickValue(new String[]{"true", "last", "first"}));
            case 2 -> source("mariadb").with("file", "mysqld-bin." + data.consumeInt(0, 65535))
                    .with("pos", data.consumeLong(0, 0xFFFF_FFFFL)).with("row", data.consumeLong(0, 1000));
            // Below Long.MAX_VALUE: Jazzer's consumeLong(0, Long.MAX_VALUE) overflows its range and can give a
            // negative number.
            case 3 -> source("trigger").with("seq", data.consumeLong(0, Long.MAX_VALUE - 1));
            default -> source("timestamp").with("ts_us", data.consumeLong(0, Long.MAX_VALUE - 1));
        };
        TransactionInfo tx = data.consumeBoolean() ? null : new TransactionInfo(
                "tx" + data.consumeAsciiString(9), data.consumeLong(0, 1000), data.consumeLong(0, 1000));
        return new ChangeEvent(op == Op.CREATE || op == Op.READ ? null : before,
                op == Op.DELETE || op == Op.TRUNCATE ? null : after, op, ts, source, tx);
    }

    private static ObjectNode row(FuzzedDataProvider data) {
        ObjectNode row = NODES.objectNode();
        row.put("id", data.consumeLong());
        row.put("name \"quoted\" ünï", data.consumeString(20));
        row.put("amount", BigDecimal.valueOf(data.consumeLong(-999_999_999_999_999_999L, 999_999_999_999_999_999L), 3));
        if (data.consumeBoolean()) {
            row.putNull("note");
        }
        return row;
    }

    private static SourceInfo source(String connector) {
        return SourceInfo.empty().with("connector", connector).with("name", "fuzz").with("db", "inventory")
                .with("schema", "public").with("table", "customers").with("ts_ms", 1732500000123L);
    }
}
