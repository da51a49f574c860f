package io.cdcflow.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cdcflow.registry.store.SchemaReference;
import io.cdcflow.registry.store.StoredSchema;
import io.cdcflow.registry.store.StoredVersion;

import java.util.List;

/** Response bodies, shaped as Confluent's (schemaType and references left out when AVRO and empty). */
public final class Views {

    private Views() {
    }

    private static String typeOrNull(String type) {
        return "AVRO".equals(type) ? null : type;
    }

    private static List<SchemaReference> refsOrNull(List<SchemaReference> refs) {
        return refs.isEmpty() ? null : refs;
    }

    /** {@code {"id": 1}}. */
    public record Id(int id) {
    }

    /** A schema by id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SchemaById(String schema, String schemaType, List<SchemaReference> references, Integer maxId) {
        static SchemaById of(StoredSchema s, Integer maxId) {
            return new SchemaById(s.text(), typeOrNull(s.type()), refsOrNull(s.references()), maxId);
        }
    }

    /** A subject's version. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(String subject, int version, int id, String schemaType, List<SchemaReference> references,
                          String schema, Boolean deleted) {
        static Version of(StoredVersion v, boolean showDeleted) {
            return new Version(v.subject(), v.version(), v.schema().id(), typeOrNull(v.schema().type()),
                    refsOrNull(v.schema().references()), v.schema().text(), showDeleted && v.deleted() ? true : null);
        }
    }

    /** A (subject, version) pair. */
    public record SubjectVersionRef(String subject, int version) {
    }

    /** GET /config. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Config(String compatibilityLevel, Boolean normalize) {
    }

    /** PUT /config answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConfigUpdate(String compatibility, Boolean normalize) {
    }

    /** GET and PUT /mode. */
    public record Mode(String mode) {
    }

    /** A compatibility test's answer; messages only when verbose. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Compatibility(@JsonProperty("is_compatible") boolean isCompatible, List<String> messages) {
    }
}
