package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.Position;
import io.cdcflow.search.index.IndexMappings;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.Script;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;

import java.util.Map;

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

    /** The bulk operation writing {@code document} (which carries the position) as the row {@code id}. */
    static BulkOperation write(String index, String id, ObjectNode document, Position position) {
        Script script = Script.of(s -> s.stored(st -> st.id(ID).params(Map.of(
                "pos", JsonData.of(position.sortKey()), "doc", JsonData.of(document)))));
        return BulkOperation.of(b -> b.update(u -> u.index(index).id(id).retryOnConflict(RETRY_ON_CONFLICT)
                .script(script).scriptedUpsert(true).upsert(Map.of())));
    }
}
