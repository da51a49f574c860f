package io.cdcflow.registry.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing, validation and the canonical and normalized forms of AVRO and JSON schemas. */
class SchemaTypesTest {

    private static final SchemaTypes TYPES = new SchemaTypes(List.of(new AvroSchemaType(), new JsonSchemaType()));

    private static ParsedSchema parse(String type, String text) throws InvalidSchemaException {
        return TYPES.parse(type, text.replace('\'', '"'));
    }

    @Test
    void avroIsTheDefaultTypeAndItsCanonicalFormIgnoresWhitespace() throws Exception {
        ParsedSchema a = parse(null, "{ 'type' : 'record', 'name':'R', 'fields':[ {'name':'f','type':'string'} ] }");
        ParsedSchema b = parse("avro", "{'type':'record','name':'R','fields':[{'name':'f','type':'string'}]}");
        assertThat(a.type()).isEqualTo("AVRO");
        assertThat(a.canonical()).isEqualTo(b.canonical())
                .isEqualTo("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"string\"}]}");
    }

    @Test
    void invalidAvroIsRefusedWithAvrosReason() {
        assertThatThrownBy(() -> parse("AVRO", "{'type':'record','name':'R'}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("fields");
        assertThatThrownBy(() -> parse("AVRO", "{'type':'record','name':'R','fields':[{'name':'f','type':'int',"
                + "'default':'x'}]}")).isInstanceOf(InvalidSchemaException.class);
        assertThatThrownBy(() -> parse("AVRO", "not json")).isInstanceOf(InvalidSchemaException.class);
    }

    @Test
    void avroReferencesDefineNamedTypes() throws Exception {
        String address = "{'type':'record','name':'Address','namespace':'x','fields':[{'name':'city','type':'string'}]}"
                .replace('\'', '"');
        ParsedSchema user = TYPES.parse("AVRO", "{'type':'record','name':'User','namespace':'x','fields':"
                .replace('\'', '"') + "[{\"name\":\"home\",\"type\":\"x.Address\"}]}", List.of(address));
        assertThat(user.canonical()).contains("\"type\":\"Address\"").doesNotContain("city");
        assertThatThrownBy(() -> parse("AVRO", "{'type':'record','name':'User','fields':[{'name':'home',"
                + "'type':'x.Address'}]}")).isInstanceOf(InvalidSchemaException.class);
    }

    @Test
    void jsonSchemaIsValidatedAgainstItsMetaSchema() {
        assertThatThrownBy(() -> parse("JSON", "{'type':'strin'}")).isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining("Invalid JSON Schema");
        assertThatThrownBy(() -> parse("JSON", "{'properties':{'a':{'minLength':-1}}}"))
                .isInstanceOf(InvalidSchemaException.class);
        assertThatThrownBy(() -> parse("JSON", "[1]")).isInstanceOf(InvalidSchemaException.class);
        assertThatThrownBy(() -> parse("JSON", "{'a':1,'a':2}")).isInstanceOf(InvalidSchemaException.class)
                .hasMessageContaining("Duplicate");
    }

    @Test
    void jsonSchemaRegexesMustCompileAndLocalRefsResolve() {
        assertThatThrownBy(() -> parse("JSON", "{'type':'string','pattern':'(['}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("pattern");
        assertThatThrownBy(() -> parse("JSON", "{'$ref':'#/definitions/missing'}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("does not resolve");
    }

    @Test
    void jsonSchemaDraftsAreRecognisedAndUnknownOnesRefused() throws Exception {
        assertThat(parse("JSON", "{'$schema':'http://json-schema.org/draft-04/schema#','type':'string'}").type())
                .isEqualTo("JSON");
        assertThat(parse("JSON", "{'$schema':'https://json-schema.org/draft/2020-12/schema','type':'object',"
                + "'$defs':{'a':{'type':'string'}},'properties':{'x':{'$ref':'#/$defs/a'}}}").type()).isEqualTo("JSON");
        assertThatThrownBy(() -> parse("JSON", "{'$schema':'http://example.com/my-schema','type':'string'}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("Unsupported $schema");
    }

    @Test
    void jsonNonStandardKeywordsAreKept() throws Exception {
        ParsedSchema s = parse("JSON", "{'type':'integer','connect.type':'int32'}");
        assertThat(s.canonical()).isEqualTo("{\"type\":\"integer\",\"connect.type\":\"int32\"}");
    }

    @Test
    void jsonNormalizedFormSortsKeysAndSetsButNotData() throws Exception {
        ParsedSchema a = parse("JSON", "{'type':'object','required':['b','a'],'properties':{'b':{'type':['string','null']},"
                + "'a':{'enum':['z','y']}}}");
        ParsedSchema b = parse("JSON", "{'properties':{'a':{'enum':['z','y']},'b':{'type':['null','string']}},"
                + "'required':['a','b'],'type':'object'}");
        assertThat(a.canonical()).isNotEqualTo(b.canonical());
        assertThat(a.normalized()).isEqualTo(b.normalized()).contains("[\"z\",\"y\"]");
    }

    @Test
    void protobufIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> TYPES.parse("PROTOBUF", "syntax = \"proto3\";"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("PROTOBUF is not supported");
        assertThatThrownBy(() -> TYPES.parse("XML", "<a/>")).hasMessageContaining("Unknown schema type");
        assertThat(TYPES.names()).containsExactly("AVRO", "JSON");
    }

    @Test
    void aJsonSchemaWithAZeroMultipleOfIsRefusedAsInvalid() {
        assertThatThrownBy(() -> parse("JSON", "{'type':'number','multipleOf':0}"))
                .isInstanceOf(InvalidSchemaException.class).hasMessageContaining("multipleOf");
    }
}
