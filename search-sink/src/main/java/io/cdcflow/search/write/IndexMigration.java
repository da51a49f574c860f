package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.model.Json;
import io.cdcflow.model.TableRef;
import io.cdcflow.registryclient.RowSchema;
import io.cdcflow.search.config.OpenSearchSinkConfig;
import io.cdcflow.search.index.FieldTypes;
import io.cdcflow.search.index.IndexMappings;
import io.cdcflow.search.index.IndexNames;
import io.cdcflow.sink.StoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Moves a table to a new index version when a newer schema maps a column with a type its field cannot take
 * (OpenSearch never changes a field's type in place: {@code ALTER COLUMN code TYPE text} on a field mapped
 * {@code long}; see {@link FieldTypes}). Writes and searches use the table's name, the read alias of its current
 * version {@code <name>-v<n>} (or, for a table whose index an earlier release created, that index itself: the first
 * layout), and its filtered live alias {@code <name>-live}. One move ({@link IndexMigrationPlan}):
 * <ol>
 *   <li>creates {@code <name>-v<n+1>} with the current mapping, the retyped fields changed and new columns added; one
 *   that exists (another replica's, or left by a move that stopped half-way) is used as it is;</li>
 *   <li>blocks writes to the current index ({@code _block/write}, which waits for the writes in flight) and refreshes
 *   it, so that the copy sees every write and none lands behind it: the sink retries writes refused so (a cluster
 *   block) until the names have moved;</li>
 *   <li>copies it with {@code _reindex} (a task, polled until it ends), each document's version kept as an external
 *   one, values the new type would refuse set aside ({@link ReindexFitScript});</li>
 *   <li>moves both names in one {@code _aliases} request, which applies only if they are still where the plan found
 *   them, so that a search resolves to the old index or to the new one, never to none or both;</li>
 *   <li>deletes the old version a moment later, when searches that resolved to it have ended (an index of the first
 *   layout goes in the swap request itself: the name cannot be an alias while an index holds it).</li>
 * </ol>
 * Two replicas can do it at once, or one again after a failure: creating an existing version uses it, blocking twice
 * is blocking, a second copy skips every document already copied, and one swap only applies; the others find the
 * names moved and take the mapping now behind them. A move is planned only for a schema newer than the one the
 * current version was made for (recorded in its mapping's {@code _meta}), so late events of an older schema, in this
 * replica or another, never move a table back. A transient failure leaves the old index blocked and the move resumes
 * when the batch is retried; a permanent one (OpenSearch refuses the new index, the copy or the swap) gives the old
 * index back to writers and the batch is dead-lettered, as before versions existed.
 */
final class IndexMigration {

    private static final Logger LOG = Logger.getLogger(IndexMigration.class);
    /** How long a version no name points at is kept before it is deleted: searches in flight end on it. */
    private static final long RETIRE_AFTER_MS = 2_000;
    private static final long TASK_POLL_MS = 200;
    /** Moves in one call: more means the names keep moving under this replica. */
    private static final int MAX_ROUNDS = 5;

    /** One HTTP exchange with OpenSearch ({@link OpenSearchIndices#call}). */
    @FunctionalInterface
    interface Http {
        OpenSearchIndices.Answer call(String method, String endpoint, JsonNode body);
    }

    /** The index a table's name resolves to now, and its {@code mappings}. */
    private record Current(String index, JsonNode mappings) {
        Map<String, String> types() {
            return OpenSearchIndices.fieldTypes(mappings.path("properties"));
        }
    }

    private final Http http;
    private final Consumer<String> forget;
    private final IndexNames names;
    private final OpenSearchSinkConfig.Index settings;
    private final MeterRegistry meters;

    /** {@code forget} drops what the sink knows of a name whose index is gone, so the next write creates it. */
    IndexMigration(Http http, Consumer<String> forget, IndexNames names, OpenSearchSinkConfig.Index settings,
                   MeterRegistry meters) {
        this.http = http;
        this.forget = forget;
        this.names = names;
        this.settings = settings;
        this.meters = meters;
    }

    /**
     * Brings the table behind {@code state} to a version whose fields take the columns of {@code schema}
     * ({@code wanted}: their mappings), moving it if no newer schema's version is there already, and leaves in
     * {@code state} the field types now behind its name.
     */
    void migrate(TableRef table, OpenSearchIndices.IndexState state, RowSchema schema, ObjectNode wanted) {
        String name = state.index();
        for (int round = 1; ; round++) {
            Current now = current(name);
            int plannedFor = IndexMappings.plannedSchemaId(now.mappings());
            List<String> changed = FieldTypes.incompatible(now.types(), wanted);
            if (changed.isEmpty() || plannedFor > schema.id()) {
                if (!changed.isEmpty()) {
                    LOG.debugf("index %s: %s is made for schema id %d, newer than %d; keeping it", name, now.index(),
                            plannedFor, schema.id());
                }
                state.fieldTypes().clear();
                state.fieldTypes().putAll(now.types());
                state.newestSchemaId().accumulateAndGet(plannedFor, Math::max);
                return;
            }
            if (round > MAX_ROUNDS) {
                throw new StoreUnavailableException("index " + name + " moved " + MAX_ROUNDS + " times and still maps "
                        + changed + " otherwise than schema id " + schema.id(), null);
            }
            IndexMigrationPlan plan = IndexMigrationPlan.of(name, names.aliasFor(name), now.index(),
                    now.mappings().path("properties"), wanted, changed, schema.id());
            OptionalLong copied = move(plan);
            if (copied.isPresent()) {
                meters.counter("cdc.search.index.migrations", "index", name).increment();
                LOG.infof("table %s: schema id %d retypes %s; index %s moved to %s (its %d documents copied), %s and %s "
                                + "now point at it", table, schema.id(), plan.retyped().keySet(), plan.from(), plan.to(),
                        copied.getAsLong(), name, plan.liveAlias());
                if (!plan.firstLayout()) {
                    retire(plan.from());
                }
            }
            // Next round: take the mapping now behind the name (this move's, or another replica's).
        }
    }

    /**
     * Carries a plan out; the documents of the old index when this call moved the names (another replica's copy may
     * have copied them first), empty when another replica moved them.
     */
    private OptionalLong move(IndexMigrationPlan plan) {
        create(plan);
        if (!freeze(plan)) {
            return OptionalLong.empty();
        }
        OpenSearchIndices.Answer refreshed = http.call("POST", "/" + plan.from() + "/_refresh", null);
        if (!refreshed.ok()) {
            if (moved(plan)) {
                return OptionalLong.empty();
            }
            throw giveBack(plan, "refreshing " + plan.from() + " answered " + refreshed.status() + ": "
                    + refreshed.error());
        }
        JsonNode copied = copy(plan);
        if (copied == null) {
            return OptionalLong.empty();
        }
        OpenSearchIndices.Answer swapped = http.call("POST", "/_aliases", plan.swapBody());
        if (!swapped.ok()) {
            if (moved(plan)) {
                return OptionalLong.empty();
            }
            throw giveBack(plan, "moving " + plan.name() + " and " + plan.liveAlias() + " to " + plan.to()
                    + " answered " + swapped.status() + ": " + swapped.error());
        }
        return OptionalLong.of(copied.path("total").asLong());
    }

    /** What the name resolves to now; a name that resolves to nothing is forgotten, to be created again. */
    private Current current(String name) {
        OpenSearchIndices.Answer a = http.call("GET", "/" + name + "/_mapping", null);
        if (a.status() == 404) {
            forget.accept(name);
            throw new StoreUnavailableException("index " + name + " is gone; the next write creates it again", null);
        }
        if (!a.ok()) {
            throw OpenSearchIndices.rejected(name, "reading the mapping of", a);
        }
        if (a.body().size() != 1) {
            throw new IndexRejectedException(name + " points at " + a.body().size() + " indices " + names(a.body())
                    + "; point it and " + names.aliasFor(name) + " at one of them");
        }
        Map.Entry<String, JsonNode> only = a.body().properties().iterator().next();
        return new Current(only.getKey(), only.getValue().path("mappings"));
    }

    /** True when the table's name no longer resolves to the plan's old index: another move got there first. */
    private boolean moved(IndexMigrationPlan plan) {
        OpenSearchIndices.Answer a = http.call("GET", "/" + plan.name() + "/_mapping", null);
        return a.status() == 404 || (a.ok() && !(a.body().size() == 1 && a.body().has(plan.from())));
    }

    private ObjectNode indexSettings() {
        return IndexMappings.indexSettings(settings.shards(), settings.replicas(), settings.refreshInterval());
    }

    /** Creates the new version; one that exists is used as it is (the copy and the next round check it). */
    private void create(IndexMigrationPlan plan) {
        OpenSearchIndices.Answer created = http.call("PUT", "/" + plan.to(),
                plan.createBody(indexSettings()));
        if (!created.ok() && "mapper_parsing_exception".equals(created.errorType())
                && created.error().contains("[scaled_float]")) {
            created = http.call("PUT", "/" + plan.to(),
                    plan.withoutScaledFloat().createBody(indexSettings()));
        }
        if (created.ok()) {
            return;
        }
        if ("resource_already_exists_exception".equals(created.errorType())) {
            LOG.debugf("index %s exists (another replica's move, or one that stopped half-way): copying into it",
                    plan.to());
            return;
        }
        throw OpenSearchIndices.rejected(plan.to(), "creating", created);
    }

    /**
     * Blocks writes to the old index; false when the name moved meanwhile. In the first layout the old index's name
     * is the table's, which becomes an alias of the new version when another replica swaps: a block that reached the
     * new version through it is lifted at once.
     */
    private boolean freeze(IndexMigrationPlan plan) {
        if (plan.firstLayout() && moved(plan)) {
            return false;
        }
        OpenSearchIndices.Answer a = http.call("PUT", "/" + plan.from() + "/_block/write", null);
        if (!a.ok()) {
            if (moved(plan)) {
                return false;
            }
            throw OpenSearchIndices.rejected(plan.from(), "blocking writes to", a);
        }
        boolean misdirected = false;
        for (JsonNode blocked : a.body().path("indices")) {
            String index = blocked.path("name").asText();
            if (!index.equals(plan.from()) && blocked.path("blocked").asBoolean()) {
                writeBlock(index, false);
                misdirected = true;
            }
        }
        return !misdirected;
    }

    /** Runs the copy; its response, or null when the name moved meanwhile (the old index may be gone). */
    private JsonNode copy(IndexMigrationPlan plan) {
        OpenSearchIndices.Answer started = http.call("POST", "/_reindex?wait_for_completion=false&refresh=true",
                plan.reindexBody());
        if (!started.ok()) {
            if (moved(plan)) {
                return null;
            }
            throw giveBack(plan, "copying " + plan.from() + " to " + plan.to() + " answered " + started.status()
                    + " (OpenSearch needs its reindex module for this): " + started.error());
        }
        JsonNode task = awaitTask(started.body().path("task").asText());
        JsonNode response = task.path("response");
        JsonNode failures = task.has("error") ? Json.mapper().createArrayNode().add(task.path("error"))
                : response.path("failures");
        if (failures.isEmpty()) {
            return response;
        }
        if (moved(plan)) {
            return null;
        }
        for (JsonNode f : failures) {
            int status = f.path("status").asInt(0);
            if (status == 429 || status >= 500) {
                throw new StoreUnavailableException("copying " + plan.from() + " to " + plan.to() + " failed: "
                        + failures, null);
            }
        }
        throw giveBack(plan, "copying " + plan.from() + " to " + plan.to() + " failed: " + failures);
    }

    /** The task's final state, polled until it has completed. */
    private JsonNode awaitTask(String task) {
        while (true) {
            OpenSearchIndices.Answer a = http.call("GET", "/_tasks/" + task, null);
            if (!a.ok()) {
                throw new StoreUnavailableException("the copy task " + task + " answered " + a.status() + ": "
                        + a.error() + "; the move starts again", null);
            }
            if (a.body().path("completed").asBoolean()) {
                return a.body();
            }
            pause(TASK_POLL_MS);
        }
    }

    /** Gives the old index back to writers after a permanent failure; the batch is then dead-lettered. */
    private IndexRejectedException giveBack(IndexMigrationPlan plan, String why) {
        if (!moved(plan)) {
            writeBlock(plan.from(), false);
        }
        LOG.warnf("table behind %s: cannot move %s to %s (%s); writes go to %s again", plan.name(), plan.from(),
                plan.to(), why, plan.from());
        return new IndexRejectedException(why);
    }

    /** Deletes a version no name points at any more, after searches that had resolved to it have had time to end. */
    private void retire(String index) {
        try {
            Thread.sleep(RETIRE_AFTER_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warnf("index %s: no name points at it any more; interrupted before deleting it, delete it by hand",
                    index);
            return;
        }
        OpenSearchIndices.Answer deleted = http.call("DELETE", "/" + index, null);
        if (!deleted.ok() && deleted.status() != 404) {
            LOG.warnf("index %s: no name points at it any more, but deleting it answered %d: %s; delete it by hand",
                    index, deleted.status(), deleted.error());
        }
    }

    private void writeBlock(String index, boolean on) {
        ObjectNode body = Json.mapper().createObjectNode().put("index.blocks.write", on);
        OpenSearchIndices.Answer a = http.call("PUT", "/" + index + "/_settings", body);
        if (!a.ok()) {
            LOG.warnf("index %s: setting index.blocks.write to %s answered %d: %s", index, on, a.status(), a.error());
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while moving an index", e);
        }
    }
}
