package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.registry.schema.JsonSchemaDiff.Difference;
import io.cdcflow.registry.schema.JsonSchemaDiff.Type;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON Schema compatibility rules, one change at a time; original = writer (old), update = reader (new). */
class JsonSchemaDiffTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<Difference> diff(String original, String update) {
        try {
            JsonNode o = MAPPER.readTree(original.replace('\'', '"'));
            JsonNode u = MAPPER.readTree(update.replace('\'', '"'));
            return JsonSchemaDiff.compare(o, u);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void compatible(String original, String update) {
        assertThat(diff(original, update)).isEmpty();
    }

    private static void incompatible(String original, String update, Type type, String path) {
        assertThat(diff(original, update)).contains(new Difference(path, type));
    }

    @Test
    void identicalSchemasAreCompatible() {
        compatible("{'type':'object','properties':{'a':{'type':'string'}}}",
                "{'type':'object','properties':{'a':{'type':'string'}}}");
    }

    @Test
    void widenedTypesAreCompatibleAndNarrowedOnesAreNot() {
        compatible("{'type':'integer'}", "{'type':'number'}");
        compatible("{'type':'string'}", "{'type':['string','null']}");
        incompatible("{'type':'number'}", "{'type':'integer'}", Type.TYPE_NARROWED, "#/type");
        incompatible("{'type':['string','null']}", "{'type':'string'}", Type.TYPE_NARROWED, "#/type");
        incompatible("{'type':'string'}", "{'type':'boolean'}", Type.TYPE_CHANGED, "#/type");
        incompatible("{}", "{'type':'string'}", Type.SCHEMA_ADDED, "#");
        compatible("{'type':'string'}", "{}");
    }

    @Test
    void annotationsDoNotMatter() {
        compatible("{'type':'string','title':'a','description':'x','connect.type':'string'}",
                "{'type':'string','title':'b','description':'y','default':'z'}");
    }

    @Test
    void propertyAddedToAnOpenContentModelIsIncompatibleUnlessItsSchemaIsEmpty() {
        incompatible("{'type':'object','properties':{'a':{'type':'string'}}}",
                "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}}}",
                Type.PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, "#/properties/b");
        compatible("{'type':'object','properties':{'a':{'type':'string'}}}",
                "{'type':'object','properties':{'a':{'type':'string'},'b':{}}}");
    }

    @Test
    void propertyRemovedFromAnOpenContentModelIsCompatible() {
        compatible("{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}}}",
                "{'type':'object','properties':{'a':{'type':'string'}}}");
    }

    @Test
    void optionalPropertyAddedToAClosedContentModelIsCompatible() {
        compatible("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}",
                "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
                        + "'additionalProperties':false}");
    }

    @Test
    void requiredPropertyAddedToAClosedContentModelNeedsADefault() {
        incompatible("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}",
                "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},'required':['b'],"
                        + "'additionalProperties':false}",
                Type.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, "#/properties/b");
        compatible("{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}",
                "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string','default':'x'}},"
                        + "'required':['b'],'additionalProperties':false}");
    }

    @Test
    void propertyRemovedFromAClosedContentModelIsIncompatible() {
        incompatible("{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
                        + "'additionalProperties':false}",
                "{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}",
                Type.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, "#/properties/b");
    }

    @Test
    void partiallyOpenContentModelCoversPropertiesItsSchemaAccepts() {
        String original = "{'type':'object','properties':{'a':{'type':'string'}},"
                + "'additionalProperties':{'type':'string'}}";
        compatible(original, "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'string'}},"
                + "'additionalProperties':{'type':'string'}}");
        incompatible(original, "{'type':'object','properties':{'a':{'type':'string'},'b':{'type':'integer'}},"
                        + "'additionalProperties':{'type':'string'}}",
                Type.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, "#/properties/b");
        compatible("{'type':'object','properties':{'x_1':{'type':'integer'}},'patternProperties':{'^x_':{'type':'integer'}}}",
                "{'type':'object','patternProperties':{'^x_':{'type':'integer'}}}");
        incompatible("{'type':'object','properties':{'x_1':{'type':'string'}},'patternProperties':{'^x_':{'type':'integer'}}}",
                "{'type':'object','patternProperties':{'^x_':{'type':'integer'}}}",
                Type.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, "#/properties/x_1");
    }

    @Test
    void requiredAttributes() {
        String optional = "{'type':'object','properties':{'a':{'type':'string'}}}";
        String required = "{'type':'object','properties':{'a':{'type':'string'}},'required':['a']}";
        incompatible(optional, required, Type.REQUIRED_ATTRIBUTE_ADDED, "#/required/a");
        compatible(required, optional);
        compatible(optional, "{'type':'object','properties':{'a':{'type':'string','default':'x'}},'required':['a']}");
    }

    @Test
    void additionalPropertiesClosingIsIncompatibleOpeningIsNot() {
        String open = "{'type':'object','properties':{'a':{'type':'string'}}}";
        String closed = "{'type':'object','properties':{'a':{'type':'string'}},'additionalProperties':false}";
        incompatible(open, closed, Type.ADDITIONAL_PROPERTIES_REMOVED, "#/additionalProperties");
        compatible(closed, open);
        incompatible(open, "{'type':'object','properties':{'a':{'type':'string'}},"
                + "'additionalProperties':{'type':'string'}}", Type.ADDITIONAL_PROPERTIES_NARROWED,
                "#/additionalProperties");
    }

    @Test
    void enums() {
        compatible("{'enum':['a','b']}", "{'enum':['a','b','c']}");
        incompatible("{'enum':['a','b']}", "{'enum':['a']}", Type.ENUM_ARRAY_NARROWED, "#/enum");
        incompatible("{'enum':['a','b']}", "{'enum':['a','c']}", Type.ENUM_ARRAY_CHANGED, "#/enum");
        incompatible("{'type':'string'}", "{'type':'string','enum':['a']}", Type.ENUM_ARRAY_NARROWED, "#/enum");
        compatible("{'const':'a'}", "{'enum':['a','b']}");
    }

    @Test
    void bounds() {
        compatible("{'type':'string','maxLength':5}", "{'type':'string','maxLength':10}");
        incompatible("{'type':'string','maxLength':10}", "{'type':'string','maxLength':5}",
                Type.MAX_LENGTH_DECREASED, "#/maxLength");
        incompatible("{'type':'string'}", "{'type':'string','minLength':1}", Type.MIN_LENGTH_ADDED, "#/minLength");
        compatible("{'type':'number','minimum':1}", "{'type':'number','minimum':0}");
        incompatible("{'type':'number','minimum':0}", "{'type':'number','minimum':1}",
                Type.MINIMUM_INCREASED, "#/minimum");
        incompatible("{'type':'number','maximum':10}", "{'type':'number','maximum':9.5}",
                Type.MAXIMUM_DECREASED, "#/maximum");
        compatible("{'type':'number','multipleOf':4}", "{'type':'number','multipleOf':2}");
        incompatible("{'type':'number','multipleOf':2}", "{'type':'number','multipleOf':4}",
                Type.MULTIPLE_OF_EXPANDED, "#/multipleOf");
        incompatible("{'type':'string'}", "{'type':'string','pattern':'^a'}", Type.PATTERN_ADDED, "#/pattern");
        compatible("{'type':'string','pattern':'^a'}", "{'type':'string'}");
        incompatible("{'type':'array','items':{'type':'string'}}",
                "{'type':'array','items':{'type':'string'},'maxItems':3}", Type.MAX_ITEMS_ADDED, "#/maxItems");
        incompatible("{'type':'array'}", "{'type':'array','uniqueItems':true}", Type.UNIQUE_ITEMS_ADDED,
                "#/uniqueItems");
    }

    @Test
    void arrayItemsAreComparedRecursively() {
        compatible("{'type':'array','items':{'type':'integer'}}", "{'type':'array','items':{'type':'number'}}");
        incompatible("{'type':'array','items':{'type':'number'}}", "{'type':'array','items':{'type':'string'}}",
                Type.TYPE_CHANGED, "#/items/type");
        incompatible("{'type':'array','items':[{'type':'string'}]}",
                "{'type':'array','items':[{'type':'string'},{'type':'integer'}]}",
                Type.ITEM_ADDED_TO_OPEN_CONTENT_MODEL, "#/items/1");
        compatible("{'type':'array','items':[{'type':'string'}],'additionalItems':false}",
                "{'type':'array','items':[{'type':'string'},{'type':'integer'}],'additionalItems':false}");
    }

    @Test
    void nestedPropertiesReportTheirPath() {
        incompatible("{'type':'object','properties':{'o':{'type':'object','properties':{'x':{'type':'integer'}}}}}",
                "{'type':'object','properties':{'o':{'type':'object','properties':{'x':{'type':'string'}}}}}",
                Type.TYPE_CHANGED, "#/properties/o/properties/x/type");
    }

    @Test
    void localReferencesAreFollowed() {
        String v1 = "{'definitions':{'Value':{'type':'object','properties':{'id':{'type':'integer'}},"
                + "'additionalProperties':false}},'type':'object','properties':{'after':{'$ref':'#/definitions/Value'}}}";
        String v2 = "{'definitions':{'Value':{'type':'object','properties':{'id':{'type':'string'}},"
                + "'additionalProperties':false}},'type':'object','properties':{'after':{'$ref':'#/definitions/Value'}}}";
        incompatible(v1, v2, Type.TYPE_CHANGED, "#/properties/after/properties/id/type");
        compatible(v1, v1.replace("'Value'", "'Row'").replace("definitions/Value", "definitions/Row"));
    }

    @Test
    void recursiveSchemasTerminate() {
        String tree = "{'definitions':{'node':{'type':'object','properties':{'children':{'type':'array',"
                + "'items':{'$ref':'#/definitions/node'}},'v':{'type':'%s'}}}},'$ref':'#/definitions/node'}";
        compatible(tree.formatted("integer"), tree.formatted("number"));
        incompatible(tree.formatted("number"), tree.formatted("integer"), Type.TYPE_NARROWED, "#/properties/v/type");
    }

    @Test
    void unionsMustKeepEveryOriginalBranch() {
        compatible("{'oneOf':[{'type':'null'},{'type':'string'}]}",
                "{'oneOf':[{'type':'null'},{'type':'string'},{'type':'integer'}]}");
        incompatible("{'oneOf':[{'type':'null'},{'type':'string'},{'type':'integer'}]}",
                "{'oneOf':[{'type':'null'},{'type':'string'}]}", Type.SUM_TYPE_NARROWED, "#/oneOf/2");
        compatible("{'type':'string'}", "{'anyOf':[{'type':'null'},{'type':'string'}]}");
        compatible("{'oneOf':[{'type':'null'},{'type':'string'}]}", "{'type':['null','string']}");
        assertThat(diff("{'anyOf':[{'type':'null'},{'type':'string'}]}", "{'type':'string'}")).isNotEmpty();
    }

    @Test
    void intersectionsMustNotGainConstraints() {
        compatible("{'allOf':[{'type':'string'},{'maxLength':5}]}", "{'allOf':[{'type':'string'}]}");
        incompatible("{'allOf':[{'type':'string'}]}", "{'allOf':[{'type':'string'},{'maxLength':5}]}",
                Type.PRODUCT_TYPE_EXTENDED, "#/allOf/1");
    }

    @Test
    void notMayOnlyExcludeLess() {
        compatible("{'not':{'type':'string'}}", "{}");
        incompatible("{}", "{'not':{'type':'string'}}", Type.SCHEMA_ADDED, "#");
        incompatible("{'type':'integer'}", "{'type':'integer','not':{'const':0}}", Type.NOT_TYPE_EXTENDED, "#/not");
        compatible("{'not':{'type':['string','integer']}}", "{'not':{'type':'string'}}");
        incompatible("{'not':{'type':'string'}}", "{'not':{'type':['string','integer']}}",
                Type.NOT_TYPE_EXTENDED, "#/not");
    }

    @Test
    void booleanSchemas() {
        compatible("false", "{'type':'string'}");
        compatible("{'type':'string'}", "true");
        incompatible("{'type':'string'}", "false", Type.TYPE_NARROWED, "#");
    }

    @Test
    void routerEnvelopeEvolution() {
        // The router's row schemas are closed: adding a nullable column is compatible, a required one or a
        // dropped one is not.
        String v1 = "{'type':'object','properties':{'id':{'type':'integer','connect.type':'int32'},"
                + "'name':{'type':['string','null']}},'required':['id'],'additionalProperties':false}";
        String added = "{'type':'object','properties':{'id':{'type':'integer','connect.type':'int32'},"
                + "'name':{'type':['string','null']},'email':{'type':['string','null']}},'required':['id'],"
                + "'additionalProperties':false}";
        compatible(v1, added);
        incompatible(v1, v1.replace("'required':['id']", "'required':['id','name']"),
                Type.REQUIRED_ATTRIBUTE_ADDED, "#/required/name");
        incompatible(v1, "{'type':'object','properties':{'id':{'type':'integer'}},'required':['id'],"
                + "'additionalProperties':false}", Type.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, "#/properties/name");
    }

    @Test
    void recursiveSchemasUnderCombinationsAreComparedInBoundedTime() {
        // a tree of strings: every level offers the same branches again through "$ref": "#"
        String tree = "{'anyOf':[{'type':'string'},{'type':'array','items':{'$ref':'#'}},"
                + "{'type':'object','additionalProperties':{'$ref':'#'}}]}";
        String widerTree = "{'anyOf':[{'type':'string'},{'type':'array','items':{'$ref':'#'}},"
                + "{'type':'object','additionalProperties':{'$ref':'#'}},{'type':'null'}]}";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            compatible(tree, widerTree);
            assertThat(diff(widerTree, tree)).isNotEmpty();
        });
    }
}
