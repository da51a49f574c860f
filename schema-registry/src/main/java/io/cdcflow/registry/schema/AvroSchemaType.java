package io.cdcflow.registry.schema;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.ArrayList;
import java.util.List;

/**
 * Avro schemas, parsed by Apache Avro (names and defaults validated) and compared by Avro's own
 * {@link SchemaCompatibility} reader/writer check.
 */
@ApplicationScoped
public class AvroSchemaType implements SchemaType {

    @Override
    public String name() {
        return "AVRO";
    }

    @Override
    public ParsedSchema parse(String text, List<String> referenced) throws InvalidSchemaException {
        Schema schema;
        List<Schema> dependencies = new ArrayList<>();
        try {
            // Referenced schemas define named types that the main schema uses by name.
            Schema.Parser parser = new Schema.Parser().setValidateDefaults(true);
            for (String dependency : referenced) {
                dependencies.add(parser.parse(dependency));
            }
            schema = parser.parse(text);
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            throw new InvalidSchemaException("Invalid Avro schema: " + e.getMessage());
        }
        // Referenced types are written by name, as in the text the client sent, not inlined.
        String canonical = schema.toString(dependencies, false);
        String normalized;
        try {
            normalized = JsonText.compact(JsonText.sorted(JsonText.read(canonical), false));
        } catch (InvalidSchemaException e) {
            throw new IllegalStateException("Avro wrote a schema that is not JSON", e);
        }
        return new AvroSchema(schema, canonical, normalized);
    }

    /** A parsed Avro schema. */
    record AvroSchema(Schema schema, String canonical, String normalized) implements ParsedSchema {

        @Override
        public String type() {
            return "AVRO";
        }

        @Override
        public List<String> incompatibilitiesReading(ParsedSchema writer) {
            Schema writerSchema = ((AvroSchema) writer).schema();
            SchemaCompatibility.SchemaCompatibilityResult result =
                    SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema).getResult();
            if (result.getCompatibility() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                return List.of();
            }
            return result.getIncompatibilities().stream().map(AvroSchema::describe).toList();
        }

        private static String describe(SchemaCompatibility.Incompatibility i) {
            String description = switch (i.getType()) {
                case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field at path '" + i.getLocation()
                        + "' of the reader schema has no default value and is missing in the writer schema";
                case MISSING_ENUM_SYMBOLS -> "The reader schema's enum at path '" + i.getLocation()
                        + "' lacks symbols the writer schema has";
                case MISSING_UNION_BRANCH -> "The reader schema's union at path '" + i.getLocation()
                        + "' lacks a branch the writer schema has";
                case NAME_MISMATCH -> "The name at path '" + i.getLocation()
                        + "' differs between the reader and writer schemas";
                case FIXED_SIZE_MISMATCH -> "The fixed size at path '" + i.getLocation()
                        + "' differs between the reader and writer schemas";
                case TYPE_MISMATCH -> "The type at path '" + i.getLocation()
                        + "' of the reader schema does not match the writer schema";
            };
            return "{errorType:'" + i.getType() + "', description:'" + description + "', additionalInfo:'"
                    + i.getMessage() + "'}";
        }
    }
}
