package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryException;
import io.cdcflow.registry.schema.InvalidSchemaException;
import io.cdcflow.registry.schema.ParsedSchema;
import io.cdcflow.registry.schema.SchemaTypes;
import io.cdcflow.registry.store.ReferenceStore;
import io.cdcflow.registry.store.SchemaStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a request body into a parsed {@link SchemaStore.Candidate}, or a 42201 answer saying what is wrong. */
@ApplicationScoped
public class CandidateParser {

    private final SchemaTypes types;
    private final ReferenceStore references;
    private final MeterRegistry metrics;

    CandidateParser(SchemaTypes types, ReferenceStore references, MeterRegistry metrics) {
        this.types = types;
        this.references = references;
        this.metrics = metrics;
    }

    /** Parses the request's schema; {@code normalize} is the query flag (null when absent). */
    public SchemaStore.Candidate parse(Requests.SchemaRequest request, Boolean normalize) {
        if (request == null || request.schema() == null) {
            throw RegistryException.invalidSchema("Empty schema: the body needs a \"schema\" field");
        }
        try {
            ParsedSchema schema = types.parse(request.schemaType(), request.schema(),
                    references.referencedTexts(request.referencesOrEmpty()));
            return new SchemaStore.Candidate(schema, request.referencesOrEmpty(), normalize);
        } catch (InvalidSchemaException e) {
            metrics.counter("cdc.registry.registrations", "result", "invalid").increment();
            throw RegistryException.invalidSchema("Invalid schema of type "
                    + (request.schemaType() == null ? SchemaTypes.DEFAULT : request.schemaType()) + ": " + e.getMessage());
        }
    }
}
