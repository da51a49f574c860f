package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.search.index.FieldTypes;
import io.cdcflow.search.index.IndexMappings;

import java.util.Map;

/**
 * The Painless script the copy to a new index version runs on each document: a retyped field's old value that its
 * new type would refuse (an object in a text field, {@code 5} in a boolean one) moves to {@code _cdc_unfit.<field>},
 * kept in {@code _source}, so that one row cannot fail the whole copy. Values the new type merely cannot parse stay
 * where they are: the new field has {@code ignore_malformed} ({@link FieldTypes#tolerant}).
 */
final class ReindexFitScript {

    /** Its text; {@code params.fields} maps each retyped field to what it takes ({@link FieldTypes.Takes}). */
    static final String SOURCE = String.join(" ",
            "for (def entry : params.fields.entrySet()) {",
            " String field = entry.getKey(); String takes = entry.getValue();",
            " if (!ctx._source.containsKey(field)) { continue; }",
            " def value = ctx._source[field];",
            " boolean fits = true;",
            " for (def v : (value instanceof List ? value : [value])) {",
            "  if (v == null) { continue; }",
            "  if (takes == 'OBJECTS') { fits = fits && v instanceof Map; }",
            "  else if (v instanceof Map) { fits = false; }",
            "  else if (takes == 'BOOLEANS') {",
            "   fits = fits && (v instanceof Boolean || v == 'true' || v == 'false' || v == ''); }",
            " }",
            " if (!fits) {",
            "  if (!(ctx._source[params.unfit] instanceof Map)) { ctx._source[params.unfit] = new HashMap(); }",
            "  ctx._source[params.unfit][field] = ctx._source.remove(field);",
            " }",
            "}");

    private ReindexFitScript() {
    }

    /** The {@code script} of a {@code _reindex} body for the retyped fields and their new mappings. */
    static ObjectNode script(Map<String, ObjectNode> retyped) {
        ObjectNode script = Json.mapper().createObjectNode().put("lang", "painless").put("source", SOURCE);
        ObjectNode params = script.putObject("params");
        ObjectNode fields = params.putObject("fields");
        retyped.forEach((name, mapping) -> {
            FieldTypes.Takes takes = FieldTypes.takes(mapping);
            if (takes != FieldTypes.Takes.ANY) {
                fields.put(name, takes.name());
            }
        });
        params.put("unfit", IndexMappings.UNFIT);
        return script;
    }
}
