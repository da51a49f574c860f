package io.cdcflow.registry.schema;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every compatibility level with Avro and JSON Schema, on the kinds of change Confluent documents for each level:
 * BACKWARD allows deleting fields and adding optional ones, FORWARD adding fields and deleting optional ones, FULL
 * only optional ones, and the transitive levels also check versions older than the latest.
 */
class CompatibilityLevelTest {

    private static final SchemaTypes TYPES = new SchemaTypes(List.of(new AvroSchemaType(), new JsonSchemaType()));

    private static ParsedSchema avro(String fields) {
        return parse("AVRO", "{\"type\":\"record\",\"name\":\"User\",\"fields\":[" + fields.replace('\'', '"') + "]}");
    }

    private static ParsedSchema json(String properties, String required) {
        return parse("JSON", ("{'type':'object','properties':{" + properties + "},'required':[" + required
                + "],'additionalProperties':false}").replace('\'', '"'));
    }

    private static ParsedSchema parse(String type, String text) {
        try {
            return TYPES.parse(type, text);
        } catch (InvalidSchemaException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean ok(CompatibilityLevel level, ParsedSchema candidate, ParsedSchema... history) {
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        for (int i = 0; i < history.length; i++) {
            previous.add(new CompatibilityChecker.Previous(i + 1, history[i]));
        }
        return CompatibilityChecker.check(level, candidate, previous).isEmpty();
    }

    // Avro: a = required field, b = field with a default (optional).
    private static final ParsedSchema A = avro("{'name':'a','type':'string'}");
    private static final ParsedSchema A_B = avro("{'name':'a','type':'string'},{'name':'b','type':'string'}");
    private static final ParsedSchema A_OPT_B = avro("{'name':'a','type':'string'},{'name':'b','type':'string','default':'x'}");

    @Test
    void noneAcceptsAnything() {
        assertThat(ok(CompatibilityLevel.NONE, avro("{'name':'z','type':'int'}"), A)).isTrue();
        assertThat(ok(CompatibilityLevel.NONE, parse("JSON", "{\"type\":\"string\"}"), A)).isTrue();
    }

    @Test
    void backwardAvro() {
        assertThat(ok(CompatibilityLevel.BACKWARD, A, A_B)).as("delete a field").isTrue();
        assertThat(ok(CompatibilityLevel.BACKWARD, A_OPT_B, A)).as("add an optional field").isTrue();
        assertThat(ok(CompatibilityLevel.BACKWARD, A_B, A)).as("add a required field").isFalse();
    }

    @Test
    void forwardAvro() {
        assertThat(ok(CompatibilityLevel.FORWARD, A_B, A)).as("add a field").isTrue();
        assertThat(ok(CompatibilityLevel.FORWARD, A, A_OPT_B)).as("delete an optional field").isTrue();
        assertThat(ok(CompatibilityLevel.FORWARD, A, A_B)).as("delete a required field").isFalse();
    }

    @Test
    void fullAvro() {
        assertThat(ok(CompatibilityLevel.FULL, A_OPT_B, A)).as("add an optional field").isTrue();
        assertThat(ok(CompatibilityLevel.FULL, A, A_OPT_B)).as("delete an optional field").isTrue();
        assertThat(ok(CompatibilityLevel.FULL, A_B, A)).as("add a required field").isFalse();
        assertThat(ok(CompatibilityLevel.FULL, A, A_B)).as("delete a required field").isFalse();
    }

    @Test
    void backwardTransitiveAvroChecksEveryEarlierVersion() {
        // v3 reads v2's data (b is there) but not v1's (b missing, no default).
        assertThat(ok(CompatibilityLevel.BACKWARD, A_B, A, A_OPT_B)).isTrue();
        assertThat(ok(CompatibilityLevel.BACKWARD_TRANSITIVE, A_B, A, A_OPT_B)).isFalse();
    }

    @Test
    void forwardTransitiveAvroChecksEveryEarlierVersion() {
        // v2's reader fills b from its default; v1's reader has no default for b.
        assertThat(ok(CompatibilityLevel.FORWARD, A, A_B, A_OPT_B)).isTrue();
        assertThat(ok(CompatibilityLevel.FORWARD_TRANSITIVE, A, A_B, A_OPT_B)).isFalse();
    }

    @Test
    void fullTransitiveAvroChecksEveryEarlierVersion() {
        assertThat(ok(CompatibilityLevel.FULL, A, A_B, A_OPT_B)).isTrue();
        assertThat(ok(CompatibilityLevel.FULL_TRANSITIVE, A, A_B, A_OPT_B)).isFalse();
        assertThat(ok(CompatibilityLevel.FULL_TRANSITIVE, A_OPT_B, A, A)).isTrue();
    }

    @Test
    void avroTypePromotionIsOneWay() {
        ParsedSchema intA = avro("{'name':'a','type':'int'}");
        ParsedSchema longA = avro("{'name':'a','type':'long'}");
        assertThat(ok(CompatibilityLevel.BACKWARD, longA, intA)).as("long reads int").isTrue();
        assertThat(ok(CompatibilityLevel.FORWARD, longA, intA)).as("int does not read long").isFalse();
    }

    // JSON Schema, closed content model: b optional, b required (no default), b required with a default.
    private static final ParsedSchema J_A = json("'a':{'type':'string'}", "'a'");
    private static final ParsedSchema J_A_OPT_B = json("'a':{'type':'string'},'b':{'type':'string'}", "'a'");
    private static final ParsedSchema J_A_B = json("'a':{'type':'string'},'b':{'type':'string'}", "'a','b'");
    private static final ParsedSchema J_A_DEF_B = json("'a':{'type':'string'},'b':{'type':'string','default':'x'}",
            "'a','b'");

    @Test
    void backwardJson() {
        assertThat(ok(CompatibilityLevel.BACKWARD, J_A_OPT_B, J_A)).as("add an optional property").isTrue();
        assertThat(ok(CompatibilityLevel.BACKWARD, J_A_B, J_A)).as("add a required property").isFalse();
        assertThat(ok(CompatibilityLevel.BACKWARD, J_A, J_A_OPT_B)).as("remove a property (closed)").isFalse();
    }

    @Test
    void forwardJson() {
        assertThat(ok(CompatibilityLevel.FORWARD, J_A, J_A_OPT_B)).as("remove an optional property").isTrue();
        assertThat(ok(CompatibilityLevel.FORWARD, J_A_OPT_B, J_A)).as("add a property (closed)").isFalse();
    }

    @Test
    void fullJson() {
        assertThat(ok(CompatibilityLevel.FULL, J_A_OPT_B, J_A_OPT_B)).isTrue();
        assertThat(ok(CompatibilityLevel.FULL, J_A_B, J_A_DEF_B)).as("a default dropped").isTrue();
        assertThat(ok(CompatibilityLevel.FULL, J_A_OPT_B, J_A)).isFalse();
    }

    @Test
    void backwardTransitiveJson() {
        // v2 made b required with a default (allowed); v3 drops the default: fine against v2, not against v1.
        assertThat(ok(CompatibilityLevel.BACKWARD, J_A_B, J_A_OPT_B, J_A_DEF_B)).isTrue();
        assertThat(ok(CompatibilityLevel.BACKWARD_TRANSITIVE, J_A_B, J_A_OPT_B, J_A_DEF_B)).isFalse();
    }

    @Test
    void forwardTransitiveJson() {
        assertThat(ok(CompatibilityLevel.FORWARD, J_A_OPT_B, J_A_B, J_A_DEF_B)).isTrue();
        assertThat(ok(CompatibilityLevel.FORWARD_TRANSITIVE, J_A_OPT_B, J_A_B, J_A_DEF_B)).isFalse();
    }

    @Test
    void fullTransitiveJson() {
        assertThat(ok(CompatibilityLevel.FULL, J_A_OPT_B, J_A_B, J_A_DEF_B)).isTrue();
        assertThat(ok(CompatibilityLevel.FULL_TRANSITIVE, J_A_OPT_B, J_A_B, J_A_DEF_B)).isFalse();
    }

    @Test
    void messagesNameTheOldVersionAndTheLevel() {
        List<String> messages = CompatibilityChecker.check(CompatibilityLevel.BACKWARD, A_B,
                List.of(new CompatibilityChecker.Previous(7, A)));
        assertThat(messages).anyMatch(m -> m.contains("READER_FIELD_MISSING_DEFAULT_VALUE"))
                .contains("{oldSchemaVersion: 7}", "{compatibility: 'BACKWARD'}");
    }

    @Test
    void aChangedSchemaTypeIsIncompatible() {
        assertThat(ok(CompatibilityLevel.BACKWARD, J_A, A)).isFalse();
    }

    @Test
    void levelsParseInAnyCase() {
        assertThat(CompatibilityLevel.parse("full_transitive")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(CompatibilityLevel.parse("nope")).isEmpty();
    }
}
