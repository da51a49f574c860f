package io.cdcflow.registry.schema;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.enterprise.inject.Instance;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The schema types this registry supports, by Confluent name; a missing {@code schemaType} means AVRO. */
@ApplicationScoped
public class SchemaTypes {

    /** Confluent's default when a request names no type. */
    public static final String DEFAULT = "AVRO";

    private final Map<String, SchemaType> byName;

    @Inject
    SchemaTypes(Instance<SchemaType> types) {
        this(types.stream().toList());
    }

    /** For tests and tools: the given types only. */
    public SchemaTypes(List<SchemaType> types) {
        this.byName = types.stream().collect(Collectors.toMap(SchemaType::name, Function.identity(), (a, b) -> a,
                TreeMap::new));
    }

    /** The type named {@code name} (null means AVRO), or an {@link InvalidSchemaException} saying what is supported. */
    public SchemaType get(String name) throws InvalidSchemaException {
        String key = name == null || name.isBlank() ? DEFAULT : name.strip().toUpperCase(Locale.ROOT);
        SchemaType type = byName.get(key);
        if (type == null) {
            if (key.equals("PROTOBUF")) {
                throw new InvalidSchemaException("Schema type PROTOBUF is not supported by this registry; supported"
                        + " types are " + names());
            }
            throw new InvalidSchemaException("Unknown schema type '" + name + "'; supported types are " + names());
        }
        return type;
    }

    /** Parses {@code text} as a schema of the named type, without references. */
    public ParsedSchema parse(String typeName, String text) throws InvalidSchemaException {
        return parse(typeName, text, List.of());
    }

    /** Parses {@code text} as a schema of the named type, given the texts of the schemas it references. */
    public ParsedSchema parse(String typeName, String text, List<String> referenced) throws InvalidSchemaException {
        if (text == null || text.isBlank()) {
            throw new InvalidSchemaException("Empty schema");
        }
        return get(typeName).parse(text, referenced);
    }

    /** The supported type names, sorted. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
