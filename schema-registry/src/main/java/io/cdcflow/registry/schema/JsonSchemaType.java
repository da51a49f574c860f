package io.cdcflow.registry.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * JSON Schema (drafts 4, 6, 7, 2019-09, 2020-12; draft 7 when {@code $schema} is absent): the document is validated
 * against its draft's meta-schema (bundled, never fetched), its regular expressions must compile and its local
 * {@code $ref}s resolve. Compatibility follows {@link JsonSchemaDiff}.
 */
@ApplicationScoped
public class JsonSchemaType implements SchemaType {

    private static final Map<String, VersionFlag> DRAFTS = Map.of(
            "json-schema.org/draft-04/schema", VersionFlag.V4,
            "json-schema.org/draft-06/schema", VersionFlag.V6,
            "json-schema.org/draft-07/schema", VersionFlag.V7,
            "json-schema.org/draft/2019-09/schema", VersionFlag.V201909,
            "json-schema.org/draft/2020-12/schema", VersionFlag.V202012);
    private static final Map<VersionFlag, String> META_SCHEMAS = Map.of(
            VersionFlag.V4, "http://json-schema.org/draft-04/schema#",
            VersionFlag.V6, "http://json-schema.org/draft-06/schema#",
            VersionFlag.V7, "http://json-schema.org/draft-07/schema#",
            VersionFlag.V201909, "https://json-schema.org/draft/2019-09/schema",
            VersionFlag.V202012, "https://json-schema.org/draft/2020-12/schema");

    private final Map<VersionFlag, JsonSchema> metaSchemas = new EnumMap<>(VersionFlag.class);

    @Override
    public String name() {
        return "JSON";
    }

    @Override
    public ParsedSchema parse(String text, List<String> referenced) throws InvalidSchemaException {
        // Referenced documents are named by the references' names in $ref; they stay unresolved here, and the
        // compatibility rules compare such $refs by name.
        JsonNode node = JsonText.read(text);
        if (!node.isObject() && !node.isBoolean()) {
            throw new InvalidSchemaException("Invalid JSON Schema: a schema must be a JSON object or a boolean");
        }
        Set<ValidationMessage> errors = metaSchema(draft(node)).validate(node);
        if (!errors.isEmpty()) {
            throw new InvalidSchemaException("Invalid JSON Schema: " + errors.stream().limit(5)
                    .map(ValidationMessage::getMessage).collect(Collectors.joining("; ")));
        }
        checkPatternsAndRefs(node, node, "#");
        return new JsonSchemaDocument(node, JsonText.compact(node), JsonText.compact(JsonText.sorted(node, true)));
    }

    private static VersionFlag draft(JsonNode node) throws InvalidSchemaException {
        JsonNode declared = node.path("$schema");
        if (!declared.isTextual()) {
            return VersionFlag.V7;
        }
        String uri = declared.asText().replaceFirst("^https?://", "").replaceFirst("#$", "");
        VersionFlag flag = DRAFTS.get(uri);
        if (flag == null) {
            throw new InvalidSchemaException("Unsupported $schema '" + declared.asText() + "'; supported drafts are"
                    + " 4, 6, 7, 2019-09 and 2020-12");
        }
        return flag;
    }

    private synchronized JsonSchema metaSchema(VersionFlag flag) {
        return metaSchemas.computeIfAbsent(flag, f -> JsonSchemaFactory.getInstance(f)
                .getSchema(SchemaLocation.of(META_SCHEMAS.get(f))));
    }

    private static void checkPatternsAndRefs(JsonNode root, JsonNode node, String path) throws InvalidSchemaException {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkPatternsAndRefs(root, node.get(i), path + "/" + i);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (Set.of("enum", "const", "default", "examples").contains(key)) {
                continue;
            }
            if (key.equals("pattern") && value.isTextual()) {
                compile(value.asText(), path + "/pattern");
            } else if (key.equals("patternProperties") && value.isObject()) {
                for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                    compile(names.next(), path + "/patternProperties");
                }
            } else if (key.equals("$ref") && value.isTextual() && value.asText().startsWith("#/")
                    && JsonSchemaDiff.pointer(root, value.asText()) == null) {
                throw new InvalidSchemaException("Invalid JSON Schema: $ref '" + value.asText() + "' at " + path
                        + " does not resolve");
            }
            checkPatternsAndRefs(root, value, path + "/" + key);
        }
    }

    private static void compile(String regex, String path) throws InvalidSchemaException {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidSchemaException("Invalid JSON Schema: the regular expression at " + path
                    + " does not compile: " + e.getDescription());
        }
    }

    /** A parsed JSON Schema document. */
    record JsonSchemaDocument(JsonNode root, String canonical, String normalized) implements ParsedSchema {

        @Override
        public String type() {
            return "JSON";
        }

        @Override
        public List<String> incompatibilitiesReading(ParsedSchema writer) {
            JsonNode writerRoot = ((JsonSchemaDocument) writer).root();
            return JsonSchemaDiff.compare(writerRoot, root).stream()
                    .map(d -> "Found incompatible change: " + d).toList();
        }
    }
}
