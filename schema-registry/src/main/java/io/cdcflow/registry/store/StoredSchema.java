package io.cdcflow.registry.store;

import java.util.List;

/** A schema as stored under its global id: type, text (as registered, canonical or normalized) and references. */
public record StoredSchema(int id, String type, String text, List<SchemaReference> references) {

    public StoredSchema {
        references = List.copyOf(references);
    }
}
