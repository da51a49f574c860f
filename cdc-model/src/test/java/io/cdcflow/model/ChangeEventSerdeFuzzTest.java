package io.cdcflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.ListArbitrary;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Property-based fuzzing of the envelope parser: whatever bytes arrive, {@link ChangeEventSerde} returns a
 * valid event or throws {@link MalformedEventException} (which the router and sinks dead-letter), never
 * another exception and never hangs. CI runs jqwik's default number of tries per property (see
 * {@code src/test/resources/junit-platform.properties}); run longer with
 * {@code -Djqwik.tries.default=100000} (the README's "Bad input" section says how).
 */
class ChangeEventSerdeFuzzTest {

    private static final Duration PER_INPUT = Duration.ofSeconds(2);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Property
    void anyBytesParseOrAreRefusedAsMalformed(@ForAll byte[] value) {
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readValue(value));
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readKey(value));
    }

    @Property
    void anyTextParsesOrIsRefusedAsMalformed(@ForAll("jsonishText") String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readValue(bytes));
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readKey(bytes));
    }

    @Property
    void validEnvelopesRoundTrip(@ForAll("events") ChangeEvent event) {
        byte[] written = ChangeEventSerde.writeValue(event);

        ChangeEvent read = ChangeEventSerde.readValue(written).event();

        // Compared as text: a long written as 0 is read back as an int node, equal in JSON but not in Jackson.
        assertThat(ChangeEventSerde.toJson(read).toString()).isEqualTo(ChangeEventSerde.toJson(event).toString());
        assertThat(ChangeEventSerde.writeValue(read)).isEqualTo(written);
        assertThat(read.position()).isEqualTo(event.position());
    }

    @Property
    void envelopesWrappedWithAConnectSchemaRoundTrip(@ForAll("events") ChangeEvent event) {
        ObjectNode wrapped = NODES.objectNode();
        wrapped.putObject("schema").put("type", "struct");
        wrapped.set("payload", ChangeEventSerde.toJson(event));

        Envelope read = ChangeEventSerde.readValue(wrapped.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(read.hasConnectSchema()).isTrue();
        assertThat(ChangeEventSerde.toJson(read.event()).toString())
                .isEqualTo(ChangeEventSerde.toJson(event).toString());
    }

    @Property
    void bytesMutatedFromValidEnvelopesParseOrAreRefused(@ForAll("events") ChangeEvent event,
                                                         @ForAll("byteEdits") List<int[]> edits) {
        byte[] bytes = ChangeEventSerde.writeValue(event);
        for (int[] edit : edits) {
            bytes = applyEdit(bytes, edit);
        }
        byte[] mutated = bytes;
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readValue(mutated));
    }

    @Property
    void bytesMutatedFromWrappedEnvelopesParseOrAreRefused(@ForAll("events") ChangeEvent event,
                                                           @ForAll("byteEdits") List<int[]> edits) {
        ObjectNode wrapped = NODES.objectNode();
        wrapped.putObject("schema").put("type", "struct").putArray("fields").addObject().put("field", "before");
        wrapped.set("payload", ChangeEventSerde.toJson(event));
        byte[] bytes = wrapped.toString().getBytes(StandardCharsets.UTF_8);
        for (int[] edit : edits) {
            bytes = applyEdit(bytes, edit);
        }
        byte[] mutated = bytes;
        assertParsesOrIsMalformed(() -> {
            Envelope read = ChangeEventSerde.readValue(mutated);
            if (read.hasConnectSchema()) {
                read.connectSchema(); // the kept bytes are a whole JSON value
            }
            return read;
        });
    }

    @Property
    void envelopesWithAFieldReplacedParseOrAreRefused(@ForAll("events") ChangeEvent event,
                                                      @ForAll("envelopePaths") String path,
                                                      @ForAll("anyJson") JsonNode replacement) {
        ObjectNode json = ChangeEventSerde.toJson(event);
        int dot = path.indexOf('.');
        if (dot < 0) {
            json.set(path, replacement);
        } else if (json.get(path.substring(0, dot)) instanceof ObjectNode parent) {
            parent.set(path.substring(dot + 1), replacement);
        }
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readValue(bytes));
    }

    @Property
    void envelopesWithAFieldRemovedParseOrAreRefused(@ForAll("events") ChangeEvent event,
                                                     @ForAll("envelopePaths") String path) {
        ObjectNode json = ChangeEventSerde.toJson(event);
        int dot = path.indexOf('.');
        if (dot < 0) {
            json.remove(path);
        } else if (json.get(path.substring(0, dot)) instanceof ObjectNode parent) {
            parent.remove(path.substring(dot + 1));
        }
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        assertParsesOrIsMalformed(() -> ChangeEventSerde.readValue(bytes));
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

    private static byte[] applyEdit(byte[] bytes, int[] edit) {
        if (bytes.length == 0) {
            return new byte[] {(byte) edit[2]};
        }
        int at = Math.floorMod(edit[1], bytes.length);
        List<Byte> list = new ArrayList<>(bytes.length + 1);
        for (byte b : bytes) {
            list.add(b);
        }
        switch (Math.floorMod(edit[0], 3)) {
            case 0 -> list.set(at, (byte) edit[2]);
            case 1 -> list.add(at, (byte) edit[2]);
            default -> list.remove(at);
        }
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    @Provide
    Arbitrary<List<int[]>> byteEdits() {
        Arbitrary<int[]> edit = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.of((int) '"', (int) '{', (int) '}', (int) '[', (int) ']', (int) ',', (int) ':', (int) '\\',
                        (int) '0', (int) '-', (int) 'e', 0, 0xC3, 0xFF, 0xFE, 0x80, (int) 'n', (int) ' '))
                .as((kind, at, b) -> new int[] {kind, at, b});
        ListArbitrary<int[]> list = edit.list();
        return list.ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> envelopePaths() {
        return Arbitraries.of("before", "after", "op", "ts_ms", "source", "transaction", "source.connector",
                "source.lsn", "source.snapshot", "source.table", "source.schema", "source.name", "source.file",
                "source.pos", "source.row", "source.seq", "source.ts_us", "transaction.id",
                "transaction.total_order");
    }

    @Provide
    Arbitrary<String> jsonishText() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"op\"", "\"c\"", "\"d\"", "\"x\"",
                "\"source\"", "\"after\"", "\"before\"", "\"payload\"", "\"schema\"", "\"transaction\"", "\"id\"",
                "null", "true", "1", "-1", "1e999", "9223372036854775808", "0.5", "\"\\u0000\"", "\"\\ud800\"",
                " ", "\"lsn\"", "\"connector\"", "\"postgresql\"", "\"mysql\"", "\"file\"", "\"pos\"");
        return tokens.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<JsonNode> anyJson() {
        return Arbitraries.lazyOf(
                () -> Arbitraries.just(NODES.nullNode()),
                () -> Arbitraries.of(true, false).map(NODES::booleanNode),
                () -> Arbitraries.longs().map(NODES::numberNode),
                () -> Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1e9"), new java.math.BigDecimal("1e9"))
                        .map(NODES::numberNode),
                () -> Arbitraries.strings().ofMaxLength(12).map(NODES::textNode),
                () -> Arbitraries.strings().alpha().ofMaxLength(4).map(NODES::textNode),
                () -> anyJson().list().ofMaxSize(3).map(l -> {
                    var a = NODES.arrayNode();
                    l.forEach(a::add);
                    return a;
                }),
                () -> Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(5), anyJson())
                        .as((k, v) -> (JsonNode) NODES.objectNode().set(k, v)));
    }

    @Provide
    Arbitrary<ChangeEvent> events() {
        Arbitrary<ObjectNode> rows = Combinators.combine(
                Arbitraries.longs().between(Long.MIN_VALUE, Long.MAX_VALUE),
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1e15"), new java.math.BigDecimal("1e15"))
                        .ofScale(3),
                Arbitraries.of(true, false))
                .as((id, name, amount, nullable) -> {
                    ObjectNode row = NODES.objectNode();
                    row.put("id", id);
                    row.put("name \"quoted\" ünï", name);
                    row.put("amount", amount);
                    if (nullable) {
                        row.putNull("note");
                    }
                    return row;
                });
        Arbitrary<SourceInfo> sources = Arbitraries.oneOf(
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(lsn -> source("postgresql")
                        .with("lsn", lsn).with("snapshot", "false")),
                Arbitraries.of("true", "last", "first").map(s -> source("postgresql").with("snapshot", s)),
                Combinators.combine(Arbitraries.integers().between(0, 65535),
                                Arbitraries.longs().between(0, 0xFFFF_FFFFL), Arbitraries.longs().between(0, 1000))
                        .as((file, pos, row) -> source("mariadb").with("file", "mysqld-bin." + file)
                                .with("pos", pos).with("row", row)),
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(seq -> source("trigger").with("seq", seq)),
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(ts -> source("timestamp").with("ts_us", ts)));
        Arbitrary<TransactionInfo> transactions = Arbitraries.oneOf(Arbitraries.just(null),
                Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(10),
                                Arbitraries.longs().between(0, 1000), Arbitraries.longs().between(0, 1000))
                        .as(TransactionInfo::new));
        return Combinators.combine(Arbitraries.of(Op.values()), rows, rows, Arbitraries.longs(), sources,
                        transactions)
                .as((op, before, after, ts, source, tx) -> new ChangeEvent(
                        op == Op.CREATE || op == Op.READ ? null : before,
                        op == Op.DELETE || op == Op.TRUNCATE ? null : after,
                        op, ts, source, tx));
    }

    private static SourceInfo source(String connector) {
        return SourceInfo.empty().with("connector", connector).with("name", "fuzz").with("db", "inventory")
                .with("schema", "public").with("table", "customers").with("ts_ms", 1732500000123L);
    }
}
