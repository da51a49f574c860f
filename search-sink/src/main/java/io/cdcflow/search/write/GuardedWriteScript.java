package io.cdcflow.search.write;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.Position;
import io.cdcflow.search.index.IndexMappings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored Painless script every document write goes through: it replaces the document only when the change's
 * position is newer than the one the document holds, atomically per document (OpenSearch runs an update on the
 * document's current version and retries on a concurrent write), and otherwise leaves it as it is, which OpenSearch
 * answers as {@code noop}: the change was stale. A document without a position sort key (none yet, or one written by
 * an earlier release with a numeric position) takes any change.
 */
final class GuardedWriteScript {

    /** The stored script's id; a new text gets a new id, so two sink versions never run each other's script. */
    static final String ID = "cdcflow-guarded-write-v1";

    /** Its text. */
    static final String SOURCE = "def held = ctx._source['" + IndexMappings.POSITION + "'];"
            + " if (held instanceof String && ((String) held).compareTo(params.pos) >= 0) { ctx.op = 'none'; }"
            + " else { ctx._source.clear(); ctx._source.putAll(params.doc); }";

    private static final ObjectMapper MAPPER = Json.mapper();

    /** Tries of an update that found the document changed between its read and its write. */
    private static final int RETRY_ON_CONFLICT = 5;

    private GuardedWriteScript() {
    }

    /** The body of {@code PUT _scripts/<id>}. */
    static ObjectNode storeBody() {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("script").put("lang", "painless").put("source", SOURCE);
        return body;
    }

    /**
     * The bulk operation writing {@code document} (which carries the position) as the row {@code id}, serialized:
     * its action line and its body line, each ending in a newline, ready to be sent by {@link OpenSearchBulk}. The
     * document is written once, here, straight from its tree.
     */
    static byte[] write(String index, String id, ObjectNode document, Position position) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("update");
            g.writeStringField("_index", index);
            g.writeStringField("_id", id);
            g.writeNumberField("retry_on_conflict", RETRY_ON_CONFLICT);
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
            g.writeStartObject();
            g.writeObjectFieldStart("script");
            g.writeStringField("id", ID);
            g.writeObjectFieldStart("params");
            g.writeStringField("pos", position.sortKey());
            g.writeFieldName("doc");
            MAPPER.writeTree(g, document);
            g.writeEndObject();
            g.writeEndObject();
            g.writeBooleanField("scripted_upsert", true);
            g.writeObjectFieldStart("upsert");
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a bulk operation for " + index + "/" + id, e);
        }
        return out.toByteArray();
    }
}
