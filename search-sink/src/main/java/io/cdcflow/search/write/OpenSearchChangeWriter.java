package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.MalformedEventException;
import io.cdcflow.model.Op;
import io.cdcflow.model.Position;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.registryclient.SchemaRegistryClient;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import io.cdcflow.search.index.Documents;
import io.cdcflow.search.index.IndexMappings;
import io.cdcflow.sink.ChangeBatches;
import io.cdcflow.sink.ChangeWriter;
import io.cdcflow.sink.DeadLetter;
import io.cdcflow.sink.SinkChange;
import io.cdcflow.sink.StoreUnavailableException;
import io.cdcflow.sink.WriteResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.opensearch.client.opensearch.OpenSearchClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Applies changes to OpenSearch: one index per table ({@link OpenSearchIndices}), one document per row with id
 * {@code RowKey.asString()}, written with the bulk API through the stored {@link GuardedWriteScript}: OpenSearch
 * replaces the document only when the change's position is newer than the one the document holds (its
 * {@code _cdc_pos} sort key), atomically per document, and answers {@code noop} otherwise: counted as skipped, not as
 * an error. Replaying a topic is therefore harmless. (External versioning would do the same for a position that fits
 * one {@code long}; a position is three numbers, which no {@code long} orders.)
 *
 * <p><b>Deletes leave tombstone documents, not deletions.</b> A deleted document remembers nothing, so a late, older
 * insert would bring the row back. So a delete writes {@code {"_cdc_deleted": true, "_cdc_pos": <position>, ...}}
 * under the row's id, with no time bound, and a late older insert is a {@code noop} like any stale write. Searches go
 * through the filtered alias {@code <index>-live} that leaves tombstones out (the index itself shows them); the cost
 * of tombstones is one small document per deleted row, which stays until someone purges tombstones older than any
 * possible replay.
 *
 * <p>A truncate tombstones, with its position, every live document of the table whose position is lower, by search
 * and bulk rounds until none is left (409 for rows changed after it). It is not atomic: a row of another partition
 * written concurrently by another consumer with an older position can survive it.
 *
 * <p>Each document is serialized once, into its bulk operation's bytes ({@link GuardedWriteScript#write}), which
 * also size the bulk requests ({@code cdc.sink.opensearch.bulk.*}); {@link OpenSearchBulk} sends them as they are.
 *
 * <p>Items are classified by {@link BulkItemOutcome}: a document OpenSearch refuses (mapping errors) is returned as a
 * dead letter with reason {@code rejected_by_store} while the rest of the batch applies; items refused for load
 * (429, 5xx) and every change after a request that could not be made are returned for retry. Lifecycle: one instance
 * for the process, called by the consumer thread only; it keeps only the index states and holds no transaction.
 */
@ApplicationScoped
public class OpenSearchChangeWriter implements ChangeWriter {

    private static final Logger LOG = Logger.getLogger(OpenSearchChangeWriter.class);
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final String REJECTED = MalformedEventException.Reason.REJECTED_BY_STORE.tag();
    /** OpenSearch refuses longer document ids, and would fail the whole bulk request for one. */
    static final int MAX_ID_BYTES = 512;
    private static final int TRUNCATE_PAGE = 1000;

    private final OpenSearchBulk bulkClient;
    private final OpenSearchIndices indices;
    private final IntFunction<Optional<RowSchema>> schemas;
    private final OpenSearchSinkConfig.Bulk bulk;
    private volatile boolean scriptStored;

    @Inject
    OpenSearchChangeWriter(OpenSearchClient client, OpenSearchIndices indices, SchemaRegistryClient registry,
                           OpenSearchSinkConfig config) {
        this(client, indices, registry::rowSchema, config);
    }

    /** A writer that looks the row schema of a schema id up with {@code schemas} (the registry, or a test's). */
    OpenSearchChangeWriter(OpenSearchClient client, OpenSearchIndices indices,
                           IntFunction<Optional<RowSchema>> schemas, OpenSearchSinkConfig config) {
        this.bulkClient = new OpenSearchBulk(client);
        this.indices = indices;
        this.schemas = schemas;
        this.bulk = config.bulk();
    }

    @Override
    public String store() {
        return "OpenSearch";
    }

    @Override
    public WriteResult write(List<SinkChange> changes) {
        WriteResult.Builder result = new WriteResult.Builder();
        List<ChangeBatches.Segment> segments = ChangeBatches.segments(changes);
        for (int s = 0; s < segments.size(); s++) {
            try {
                switch (segments.get(s)) {
                    case ChangeBatches.Rows rows -> writeRows(rows.changes(), result);
                    case ChangeBatches.Truncate t -> {
                        try {
                            truncate(t.change());
                            result.applied(t.change());
                        } catch (IndexRejectedException e) {
                            // The index refuses the table for good: dead-lettered, never a stop of the whole sink.
                            result.deadLetter(t.change(), REJECTED, e.getMessage());
                        }
                    }
                }
            } catch (StoreUnavailableException e) {
                // This segment's undecided changes were put back by writeRows; later segments must wait for it.
                if (segments.get(s) instanceof ChangeBatches.Truncate t) {
                    result.retry(t.change(), e.getMessage());
                }
                for (int later = s + 1; later < segments.size(); later++) {
                    switch (segments.get(later)) {
                        case ChangeBatches.Rows rows -> rows.changes().forEach(c -> result.retry(c, e.getMessage()));
                        case ChangeBatches.Truncate t -> result.retry(t.change(), e.getMessage());
                    }
                }
                break;
            }
        }
        return result.build();
    }

    /** One pending bulk operation, serialized. */
    private record Pending(SinkChange change, String index, String id, byte[] operation) {
    }

    private void writeRows(List<SinkChange> rows, WriteResult.Builder result) {
        ChangeBatches.Latest latest = ChangeBatches.latestPerRow(rows);
        List<Pending> pending;
        List<DeadLetter> refused = new ArrayList<>();
        try {
            pending = prepare(latest.kept(), refused);
        } catch (StoreUnavailableException e) {
            latest.kept().forEach(c -> result.retry(c, e.getMessage()));
            latest.superseded().forEach(result::superseded);
            throw e;
        }
        latest.superseded().forEach(result::superseded);
        refused.forEach(result::deadLetter);
        List<List<Pending>> chunks = chunks(pending);
        for (int i = 0; i < chunks.size(); i++) {
            try {
                send(chunks.get(i), result);
            } catch (StoreUnavailableException e) {
                for (int rest = i; rest < chunks.size(); rest++) {
                    chunks.get(rest).forEach(p -> result.retry(p.change(), e.getMessage()));
                }
                throw e;
            }
        }
    }

    /** Resolves schemas, makes sure each table's index is there, and builds the documents. */
    private List<Pending> prepare(List<SinkChange> changes, List<DeadLetter> refused) {
        Map<TableRef, List<SinkChange>> byTable = new LinkedHashMap<>();
        changes.forEach(c -> byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c));
        List<Pending> out = new ArrayList<>();
        for (Map.Entry<TableRef, List<SinkChange>> table : byTable.entrySet()) {
            Map<Integer, RowSchema> tableSchemas = new LinkedHashMap<>();
            for (int id : new TreeSet<>(table.getValue().stream().filter(c -> c.schemaId().isPresent())
                    .map(c -> c.schemaId().getAsInt()).toList())) {
                schemas.apply(id).ifPresent(s -> tableSchemas.put(id, s));
            }
            OpenSearchIndices.IndexState state = null;
            try {
                // Created with the first schema's mapping when there is one; later schemas add their new columns.
                for (RowSchema schema : tableSchemas.values()) {
                    state = indices.ensure(table.getKey(), schema);
                }
                if (state == null) {
                    state = indices.ensure(table.getKey(), null);
                }
            } catch (IndexRejectedException e) {
                table.getValue().forEach(c -> refused.add(new DeadLetter(c.origin(), REJECTED, e.getMessage())));
                continue;
            }
            for (SinkChange c : table.getValue()) {
                String id = c.key().asString();
                if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
                    refused.add(new DeadLetter(c.origin(), REJECTED,
                            "document id longer than " + MAX_ID_BYTES + " bytes: " + c.key()));
                    continue;
                }
                RowSchema schema = c.schemaId().isPresent() ? tableSchemas.get(c.schemaId().getAsInt()) : null;
                ObjectNode doc = c.event().op() == Op.DELETE
                        ? Documents.tombstone(Op.DELETE, c.position(), c.event().source().tsMs())
                        : Documents.live(c.event(), c.position(), schema, state.fieldTypes());
                out.add(new Pending(c, state.index(), id,
                        GuardedWriteScript.write(state.index(), id, doc, c.position())));
            }
        }
        return out;
    }

    private List<List<Pending>> chunks(List<Pending> pending) {
        List<List<Pending>> out = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        long bytes = 0;
        for (Pending p : pending) {
            if (!current.isEmpty() && (current.size() >= bulk.maxActions()
                    || bytes + p.operation().length > bulk.maxBytes())) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += p.operation().length;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private void send(List<Pending> chunk, WriteResult.Builder result) {
        List<OpenSearchBulk.Item> items = bulk(chunk.stream().map(Pending::operation).toList());
        for (int i = 0; i < chunk.size(); i++) {
            Pending p = chunk.get(i);
            OpenSearchBulk.Item item = items.get(i);
            String type = item.errorType();
            switch (BulkItemOutcome.classify(item.status(), type, item.result())) {
                case APPLIED -> result.applied(p.change());
                case STALE -> result.stale(p.change());
                case REJECTED -> result.deadLetter(p.change(), REJECTED, type + ": " + item.errorReason());
                case RETRY -> {
                    if ("index_not_found_exception".equals(type)) {
                        indices.forget(p.index());
                    }
                    result.retry(p.change(), "OpenSearch answered " + item.status() + " " + type + " for "
                            + p.index() + "/" + p.id());
                }
            }
        }
    }

    private List<OpenSearchBulk.Item> bulk(List<byte[]> operations) {
        storeScript();
        List<OpenSearchBulk.Item> items = bulkClient.send(operations);
        for (OpenSearchBulk.Item item : items) {
            if (item.errorReason() != null && item.errorReason().contains(GuardedWriteScript.ID)) {
                scriptStored = false; // the cluster lost it (a restore, a new cluster): store it again, then retry
            }
        }
        return items;
    }

    /** Stores the guarded write script once per process, and again after the cluster lost it. */
    private void storeScript() {
        if (scriptStored) {
            return;
        }
        indices.putStoredScript(GuardedWriteScript.ID, GuardedWriteScript.storeBody());
        scriptStored = true;
    }

    /** Tombstones every live row of the table older than the truncate, in rounds, until none is left. */
    private void truncate(SinkChange t) {
        String index = indices.ensure(t.table(), null).index();
        ObjectNode tombstone = Documents.tombstone(Op.TRUNCATE, t.position(), t.event().source().tsMs());
        long total = 0;
        while (true) {
            indices.refresh(index);
            List<String> ids = new ArrayList<>();
            indices.search(index, olderLiveRows(t.position())).path("hits").path("hits")
                    .forEach(h -> ids.add(h.path("_id").asText()));
            if (ids.isEmpty()) {
                break;
            }
            List<OpenSearchBulk.Item> items = bulk(ids.stream()
                    .map(id -> GuardedWriteScript.write(index, id, tombstone, t.position())).toList());
            long written = 0;
            for (OpenSearchBulk.Item item : items) {
                String type = item.errorType();
                switch (BulkItemOutcome.classify(item.status(), type, item.result())) {
                    case APPLIED -> written++;
                    case STALE -> { }
                    case RETRY -> throw new StoreUnavailableException("truncate of " + index + ": OpenSearch answered "
                            + item.status() + " " + type, null);
                    case REJECTED -> LOG.warnf("truncate of %s: tombstone of %s refused: %s", index, item.id(),
                            Optional.ofNullable(item.errorReason()).orElse(""));
                }
            }
            total += written;
            if (written == 0) {
                break;
            }
        }
        LOG.infof("truncate of %s at position %s: %d rows tombstoned", t.table(), t.position(), total);
    }

    /** Live documents whose position is older than {@code position}, or that have none of this release. */
    private static ObjectNode olderLiveRows(Position position) {
        ObjectNode q = MAPPER.createObjectNode();
        q.put("size", TRUNCATE_PAGE);
        q.put("_source", false);
        q.putArray("sort").add("_doc");
        ObjectNode bool = q.putObject("query").putObject("bool");
        bool.putArray("must_not").addObject().putObject("term").put(IndexMappings.DELETED, true);
        var older = bool.putArray("filter").addObject().putObject("bool");
        older.put("minimum_should_match", 1);
        var should = older.putArray("should");
        should.addObject().putObject("range").putObject(IndexMappings.POSITION).put("lt", position.sortKey());
        should.addObject().putObject("bool").putArray("must_not").addObject().putObject("exists")
                .put("field", IndexMappings.POSITION);
        return q;
    }
}
