package io.cdcflow.search.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates and evolves the index of each table, and remembers what it knows of each index's mapping. A table's name
 * ({@link IndexNames}) is what writes and searches use: on first sight of a table the sink creates {@code <name>-v1}
 * with the mapping derived from its registered schema (or the sink's fields only, and dynamic mapping, when there is
 * none), the name as its alias and the filtered alias {@code <name>-live} that hides tombstones; a name that already
 * resolves (to a version, or to an index an earlier release created under the name itself) is adopted (its mapping
 * read, its live alias put). A schema id not seen before adds the mapping of the columns the index does not have
 * yet; a column whose field cannot take the schema's type ({@link FieldTypes}) moves the table to a new index
 * version ({@link IndexMigration}) when the schema is newer than the one the current version was made for.
 */
@ApplicationScoped
public class OpenSearchIndices {

    private static final Logger LOG = Logger.getLogger(OpenSearchIndices.class);
    private static final ObjectMapper MAPPER = Json.mapper();

    private final OpenSearchGenericClient http;
    private final IndexNames names;
    private final OpenSearchSinkConfig.Index settings;
    private final Map<String, IndexState> known = new ConcurrentHashMap<>();
    /** False once the cluster said it has no scaled_float (no mapper-extras module): decimals become double. */
    private volatile boolean scaledFloat = true;

    private final IndexMigration migration;

    OpenSearchIndices(OpenSearchClient client, OpenSearchSinkConfig config, MeterRegistry meters) {
        this.http = client.generic();
        this.settings = config.index();
        this.names = new IndexNames(settings.prefix(), settings.names(), settings.liveAliasSuffix());
        this.migration = new IndexMigration(this::call, this::forget, names, settings, meters);
    }

    /**
     * What the sink knows of one index: the name writes and searches use (the read alias of its current version, or
     * the index itself), its mapped top-level field types, the schema ids applied, and the newest of them (or of the
     * one the current version was made for).
     */
    public record IndexState(String index, Map<String, String> fieldTypes, Set<Integer> schemaIds,
                             AtomicInteger newestSchemaId) {

        IndexState(String index, Map<String, String> fieldTypes, Set<Integer> schemaIds) {
            this(index, fieldTypes, schemaIds, new AtomicInteger(-1));
        }

        void applied(int schemaId) {
            schemaIds.add(schemaId);
            newestSchemaId.accumulateAndGet(schemaId, Math::max);
        }
    }

    /** The name of a table's index. */
    public String indexFor(TableRef table) {
        return names.indexFor(table);
    }

    /** The index of a table, created or adopted if needed, its mapping extended for {@code schema} (may be null). */
    public IndexState ensure(TableRef table, RowSchema schema) {
        String index = names.indexFor(table);
        IndexState state = known.get(index);
        if (state == null) {
            state = createOrAdopt(index, schema);
            known.put(index, state);
        }
        if (schema != null && !state.schemaIds().contains(schema.id())) {
            extendMapping(table, state, schema);
            state.applied(schema.id());
        }
        return state;
    }

    /** Forgets an index (it was deleted under us), so the next write creates it again. */
    public void forget(String index) {
        known.remove(index);
    }

    /** Makes every write to the index visible to searches. */
    public void refresh(String index) {
        Answer a = call("POST", "/" + index + "/_refresh", null);
        if (!a.ok()) {
            throw new StoreUnavailableException("refresh of " + index + " answered " + a.status() + ": " + a.error(), null);
        }
    }

    /** Stores (or replaces) a script under {@code id}; {@code body} is the {@code PUT _scripts/<id>} body. */
    public void putStoredScript(String id, ObjectNode body) {
        Answer a = call("PUT", "/_scripts/" + id, body);
        if (!a.ok()) {
            throw new StoreUnavailableException("storing script " + id + " answered " + a.status() + ": " + a.error());
        }
    }

    /** Runs a search on the index and returns OpenSearch's answer. */
    public JsonNode search(String index, ObjectNode query) {
        Answer a = call("POST", "/" + index + "/_search", query);
        if (!a.ok()) {
            throw new StoreUnavailableException("search of " + index + " answered " + a.status() + ": " + a.error(), null);
        }
        return a.body();
    }

    private IndexState createOrAdopt(String index, RowSchema schema) {
        Answer existing = call("GET", "/" + index + "/_mapping", null);
        if (existing.ok()) {
            return adopt(index, existing.body());
        }
        if (existing.status() != 404) {
            throw rejected(index, "reading the mapping of", existing);
        }
        ObjectNode columns = schema == null ? MAPPER.createObjectNode()
                : IndexMappings.columnProperties(schema.columns(), scaledFloat);
        ObjectNode body = IndexMappings.createIndexBody(IndexMappings.indexSettings(settings.shards(),
                settings.replicas(), settings.refreshInterval()), names.aliasFor(index), columns);
        // The table's name is an alias of its first version, so that a later version can take the name over in one
        // step (IndexMigration).
        ((ObjectNode) body.path("aliases")).putObject(index);
        if (schema != null) {
            ((ObjectNode) body.path("mappings")).putObject("_meta").put(IndexMappings.META_SCHEMA_ID, schema.id());
        }
        String first = index + "-v1";
        Answer created = call("PUT", "/" + first, body);
        if (created.ok()) {
            LOG.infof("created index %s (aliases %s and %s) with %s", first, index, names.aliasFor(index),
                    schema == null ? "dynamic mapping" : "the mapping of schema id " + schema.id());
            IndexState state = new IndexState(index, new ConcurrentHashMap<>(fieldTypes(
                    body.path("mappings").path("properties"))), ConcurrentHashMap.newKeySet());
            if (schema != null) {
                state.applied(schema.id());
            }
            return state;
        }
        if (scaledFloat && lacksScaledFloat(created)) {
            return createOrAdopt(index, schema);
        }
        if ("resource_already_exists_exception".equals(created.errorType())) {
            Answer again = call("GET", "/" + index + "/_mapping", null);
            if (again.ok()) {
                return adopt(index, again.body());
            }
            throw rejected(index, "reading the mapping of", again);
        }
        throw rejected(index, "creating", created);
    }

    private IndexState adopt(String index, JsonNode mappingAnswer) {
        // The answer is keyed by the concrete index: the table's name itself (the first layout) or the version its
        // alias points at, on which the live alias must be put (OpenSearch refuses an alias there).
        String concrete = mappingAnswer.size() == 1 ? mappingAnswer.fieldNames().next() : index;
        Answer alias = call("PUT", "/" + concrete + "/_alias/" + names.aliasFor(index), IndexMappings.aliasBody());
        if (!alias.ok()) {
            throw rejected(index, "putting the alias on", alias);
        }
        Map<String, String> types = new ConcurrentHashMap<>(mappedTypes(mappingAnswer));
        if (!types.containsKey(IndexMappings.POSITION)) {
            // An index of an earlier release: the sink's fields must be mapped before the first write maps them
            // dynamically (a position sort key would become text, which no range query orders).
            ObjectNode body = MAPPER.createObjectNode();
            body.set("properties", IndexMappings.metadataProperties());
            Answer put = call("PUT", "/" + concrete + "/_mapping", body);
            if (!put.ok()) {
                throw rejected(index, "mapping the sink's fields of", put);
            }
            types.putAll(fieldTypes(IndexMappings.metadataProperties()));
        }
        IndexState state = new IndexState(index, types, ConcurrentHashMap.newKeySet());
        // A replica that starts after a move must not move the table back for late events of an older schema.
        mappingAnswer.properties().forEach(e -> state.newestSchemaId().accumulateAndGet(
                IndexMappings.plannedSchemaId(e.getValue().path("mappings")), Math::max));
        return state;
    }

    private void extendMapping(TableRef table, IndexState state, RowSchema schema) {
        ObjectNode wanted = IndexMappings.columnProperties(schema.columns(), scaledFloat);
        List<String> changed = FieldTypes.incompatible(state.fieldTypes(), wanted);
        if (!changed.isEmpty()) {
            if (schema.id() > state.newestSchemaId().get()) {
                // Leaves in state the field types now behind the name: this schema's, or a newer one's.
                migration.migrate(table, state, schema, wanted.deepCopy());
            } else {
                // An older schema's changes (late events from before the DDL) keep the newer mapping.
                LOG.debugf("index %s: schema id %d maps %s otherwise than the index; keeping the newer mapping",
                        state.index(), schema.id(), changed);
            }
        }
        ObjectNode additions = wanted;
        additions.remove(state.fieldTypes().keySet());
        if (additions.isEmpty()) {
            return;
        }
        ObjectNode body = MAPPER.createObjectNode();
        body.set("properties", additions);
        Answer put = call("PUT", "/" + state.index() + "/_mapping", body);
        if (put.ok()) {
            LOG.infof("index %s: mapped new columns %s (schema id %d)", state.index(), names(additions),
                    schema.id());
            state.fieldTypes().putAll(fieldTypes(additions));
            return;
        }
        if (scaledFloat && lacksScaledFloat(put)) {
            extendMapping(table, state, schema);
            return;
        }
        if (put.status() / 100 == 4) {
            // Dynamic mapping got there first with another type; the column keeps it, values are sent as they are.
            LOG.warnf("index %s: cannot map columns %s as schema id %d says (%s); keeping the current mapping",
                    state.index(), names(additions), schema.id(), put.error());
            Answer current = call("GET", "/" + state.index() + "/_mapping", null);
            if (current.ok()) {
                state.fieldTypes().putAll(mappedTypes(current.body()));
            }
            return;
        }
        throw new StoreUnavailableException("mapping update of " + state.index() + " answered " + put.status(), null);
    }

    /** True (and decimals are mapped as double from now on) when the answer says scaled_float is unknown. */
    private boolean lacksScaledFloat(Answer a) {
        if ("mapper_parsing_exception".equals(a.errorType()) && a.error().contains("[scaled_float]")) {
            scaledFloat = false;
            LOG.info("this OpenSearch has no scaled_float (module mapper-extras missing): decimals are mapped as double");
            return true;
        }
        return false;
    }

    private static List<String> names(ObjectNode o) {
        List<String> out = new ArrayList<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The top-level field types of a GET _mapping answer ({@code {"<index>": {"mappings": {...}}}}). */
    static Map<String, String> mappedTypes(JsonNode answer) {
        Map<String, String> types = new HashMap<>();
        answer.properties().forEach(e -> types.putAll(fieldTypes(e.getValue().path("mappings").path("properties"))));
        return types;
    }

    static Map<String, String> fieldTypes(JsonNode properties) {
        Map<String, String> types = new HashMap<>();
        properties.properties().forEach(e -> types.put(e.getKey(), e.getValue().path("type").asText("object")));
        return types;
    }

    static IndexRejectedException rejected(String index, String doing, Answer a) {
        if (a.status() == 429 || a.status() >= 500) {
            throw new StoreUnavailableException(doing + " index " + index + " answered " + a.status() + ": "
                    + a.error(), null);
        }
        return new IndexRejectedException(doing + " index " + index + " answered " + a.status() + ": " + a.error());
    }

    /** One HTTP exchange; connection failures, 429 and 5xx raise {@link StoreUnavailableException}. */
    Answer call(String method, String endpoint, JsonNode body) {
        Requests.JsonBodyBuilder request = Requests.builder().method(method).endpoint(encodePath(endpoint));
        try {
            if (body != null) {
                request.json(MAPPER.writeValueAsString(body));
            }
            try (Response response = http.execute(request.build())) {
                int status = response.getStatus();
                String text = response.getBody().map(Body::bodyAsString).orElse("");
                JsonNode json = text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
                Answer answer = new Answer(status, json);
                if (status == 429 || status >= 500) {
                    throw new StoreUnavailableException(method + " " + endpoint + " answered " + status + ": "
                            + answer.error(), null);
                }
                return answer;
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("OpenSearch unreachable (" + method + " " + endpoint + "): " + e, e);
        }
    }

    /**
     * The endpoint with each path segment percent-encoded (UTF-8) but for the characters that need none: an index
     * name may hold any character OpenSearch allows in one (letters of any script, quotes, back-ticks), which a
     * request line cannot carry as they are. The query string, built here from fixed parameters, stays as it is.
     */
    public static String encodePath(String endpoint) {
        int q = endpoint.indexOf('?');
        String path = q < 0 ? endpoint : endpoint.substring(0, q);
        StringBuilder out = new StringBuilder(endpoint.length() + 16);
        for (byte b : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return q < 0 ? out.toString() : out.append(endpoint, q, endpoint.length()).toString();
    }

    /** A status and a JSON body. */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String errorType() {
            return body.path("error").path("type").asText(null);
        }

        String error() {
            JsonNode e = body.path("error");
            return e.isObject() ? e.path("type").asText() + ": " + e.path("reason").asText() : e.asText(String.valueOf(body));
        }
    }
}
