package io.cdcflow.registry.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.registry.RegistryException;
import io.cdcflow.registry.config.RegistryConfig;
import io.cdcflow.registry.schema.CompatibilityChecker;
import io.cdcflow.registry.schema.CompatibilityLevel;
import io.cdcflow.registry.schema.InvalidSchemaException;
import io.cdcflow.registry.schema.ParsedSchema;
import io.cdcflow.registry.schema.SchemaTypes;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Subjects, versions and schemas in the registry database. Created once at start-up; owns the in-memory cache of
 * schemas by id (a schema never changes once it has an id, so the cache only forgets on permanent deletion). Every
 * change runs in one transaction that first locks the subject's row, so registrations of one subject are serial:
 * versions grow by one, a re-registration finds the live version, and the compatibility check sees the latest
 * version. A schema row is found or created through its unique hash ({@code insert ... on conflict do nothing}),
 * so concurrent registrations of the same schema, in one subject or several, end with one id.
 */
@ApplicationScoped
public class SchemaStore {

    private static final Logger LOG = Logger.getLogger(SchemaStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SCHEMA_COLUMNS = "s.id, s.schema_type, s.schema_text, s.references_json";

    private final Jdbc jdbc;
    private final SettingsStore settings;
    private final SchemaTypes types;
    private final MeterRegistry metrics;
    private final LruCache<Integer, StoredSchema> byId;
    private final LruCache<Integer, ParsedSchema> parsedById;

    SchemaStore(Jdbc jdbc, SettingsStore settings, SchemaTypes types, MeterRegistry metrics, RegistryConfig config) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.types = types;
        this.metrics = metrics;
        this.byId = new LruCache<>(config.cacheMaxEntries());
        this.parsedById = new LruCache<>(config.cacheMaxEntries());
    }

    /** The outcome of a registration: the schema's global id and the subject's version that holds it. */
    public record Registered(int id, int version, boolean created) {
    }

    /** What a client registers: the parsed schema, its references, and the request's normalize flag (null: config). */
    public record Candidate(ParsedSchema schema, List<SchemaReference> references, Boolean normalize) {
        public Candidate {
            references = List.copyOf(references);
        }
    }

    /**
     * Registers a schema under a subject, or finds its live version there; checks compatibility against the
     * subject's earlier versions first, and refuses (409) an incompatible schema. {@code importId} and
     * {@code importVersion} (nullable) are honoured in IMPORT mode only.
     */
    public Registered register(String subject, Candidate candidate, Integer importId, Integer importVersion) {
        Registered registered = jdbc.inTransaction(c -> {
            int lastVersion = lockSubject(c, subject);
            RegistryMode mode = settings.effectiveMode(c, subject);
            if (mode.readOnly()) {
                throw RegistryException.operationNotPermitted("Subject '" + subject + "' is in read-only mode");
            }
            String text = text(c, subject, candidate);
            String refs = referencesJson(candidate.references());
            String hash = hash(candidate.schema().type(), text, refs);
            Optional<Integer> existingId = schemaIdByHash(c, hash);
            if (importId != null && mode != RegistryMode.IMPORT && !existingId.equals(Optional.of(importId))) {
                throw RegistryException.operationNotPermitted("A schema id can be given only in IMPORT mode; subject '"
                        + subject + "' is in " + mode + " mode");
            }
            Optional<Registered> live = liveVersionOf(c, subject, hash);
            if (live.isPresent()) {
                return live.get();
            }
            if (mode != RegistryMode.IMPORT) {
                List<String> messages = checkCompatibility(c, subject, candidate.schema(), null, true);
                if (!messages.isEmpty()) {
                    metrics.counter("cdc.registry.registrations", "result", "incompatible").increment();
                    throw RegistryException.incompatible("Schema being registered is incompatible with an earlier"
                            + " schema for subject \"" + subject + "\", details: " + messages);
                }
            }
            int id = mode == RegistryMode.IMPORT && importId != null
                    ? importSchema(c, importId, candidate.schema().type(), text, refs, hash)
                    : existingId.isPresent() ? existingId.get()
                    : insertSchema(c, candidate.schema().type(), text, refs, hash);
            int version = nextVersion(c, subject, lastVersion, mode == RegistryMode.IMPORT ? importVersion : null);
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into registry_subject_version (subject, version, schema_id) values (?, ?, ?)")) {
                ps.setString(1, subject);
                ps.setInt(2, version);
                ps.setInt(3, id);
                ps.executeUpdate();
            }
            return new Registered(id, version, true);
        });
        metrics.counter("cdc.registry.registrations", "result", registered.created() ? "new" : "existing").increment();
        if (registered.created()) {
            LOG.infof("registered schema id %d as version %d of subject %s", registered.id(), registered.version(),
                    subject);
        }
        return registered;
    }

    private String text(Connection c, String subject, Candidate candidate) throws SQLException {
        boolean normalize = candidate.normalize() != null ? candidate.normalize()
                : settings.effectiveNormalize(c, subject);
        return normalize ? candidate.schema().normalized() : candidate.schema().canonical();
    }

    /** Creates the subject row if needed and locks it for the transaction; returns the last version ever used. */
    private static int lockSubject(Connection c, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into registry_subject (name) values (?) on conflict (name) do nothing")) {
            ps.setString(1, subject);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select last_version from registry_subject where name = ? for update")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int nextVersion(Connection c, String subject, int lastVersion, Integer requested) throws SQLException {
        int version = requested != null ? requested : lastVersion + 1;
        if (requested != null && exists(c, "select 1 from registry_subject_version where subject = ? and version = ?",
                subject, requested)) {
            throw RegistryException.operationNotPermitted("Version " + requested + " of subject '" + subject
                    + "' already exists");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update registry_subject set last_version = greatest(last_version, ?) where name = ?")) {
            ps.setInt(1, version);
            ps.setString(2, subject);
            ps.executeUpdate();
        }
        return version;
    }

    private static Optional<Integer> schemaIdByHash(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select id from registry_schema where hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    private static Optional<Registered> liveVersionOf(Connection c, String subject, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select s.id, v.version from registry_subject_version v join registry_schema s on s.id = v.schema_id
                where v.subject = ? and s.hash = ? and not v.deleted""")) {
            ps.setString(1, subject);
            ps.setString(2, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Registered(rs.getInt(1), rs.getInt(2), false)) : Optional.empty();
            }
        }
    }

    private static int insertSchema(Connection c, String type, String text, String refs, String hash)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into registry_schema (schema_type, schema_text, references_json, hash) values (?, ?, ?, ?)
                on conflict (hash) do nothing returning id""")) {
            ps.setString(1, type);
            ps.setString(2, text);
            ps.setString(3, refs);
            ps.setString(4, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    int id = rs.getInt(1);
                    insertReferences(c, id, refs);
                    return id;
                }
            }
        }
        // Another transaction inserted it first (and committed, since the insert waited for it).
        return schemaIdByHash(c, hash).orElseThrow(() -> new SQLException("schema hash vanished after a conflict"));
    }

    private static int importSchema(Connection c, int id, String type, String text, String refs, String hash)
            throws SQLException {
        Optional<Integer> existing = schemaIdByHash(c, hash);
        if (existing.isPresent()) {
            if (existing.get() != id) {
                throw RegistryException.operationNotPermitted("This schema already has id " + existing.get()
                        + "; it cannot be imported as id " + id);
            }
            return id;
        }
        if (exists(c, "select 1 from registry_schema where id = ?", id)) {
            throw RegistryException.operationNotPermitted("Overwrite new schema with id " + id + " is not permitted.");
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into registry_schema (id, schema_type, schema_text, references_json, hash)
                values (?, ?, ?, ?, ?)""")) {
            ps.setInt(1, id);
            ps.setString(2, type);
            ps.setString(3, text);
            ps.setString(4, refs);
            ps.setString(5, hash);
            ps.executeUpdate();
        }
        insertReferences(c, id, refs);
        try (PreparedStatement ps = c.prepareStatement("""
                select setval(pg_get_serial_sequence('registry_schema', 'id'),
                              greatest((select max(id) from registry_schema), 1))""")) {
            ps.executeQuery().close();
        }
        return id;
    }

    private static void insertReferences(Connection c, int id, String refs) throws SQLException {
        for (SchemaReference ref : references(refs)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into registry_reference (schema_id, name, subject, version) values (?, ?, ?, ?)")) {
                ps.setInt(1, id);
                ps.setString(2, ref.name());
                ps.setString(3, ref.subject());
                ps.setInt(4, ref.version());
                ps.executeUpdate();
            }
        }
    }

    /**
     * The texts of the schemas {@code references} name, each after the ones it references itself (depth first,
     * each once); 42201 when one does not name a live version.
     */
    public List<String> referencedTexts(List<SchemaReference> references) {
        if (references.isEmpty()) {
            return List.of();
        }
        return jdbc.inTransaction(c -> referencedTexts(c, references));
    }

    private List<String> referencedTexts(Connection c, List<SchemaReference> references) throws SQLException {
        List<String> texts = new ArrayList<>();
        collect(c, references, new java.util.HashSet<>(), texts, 0);
        return texts;
    }

    private void collect(Connection c, List<SchemaReference> references, java.util.Set<String> done, List<String> texts,
                         int depth) throws SQLException {
        if (depth > 32) {
            throw RegistryException.invalidSchema("Schema references nest deeper than 32 levels");
        }
        for (SchemaReference ref : references) {
            if (ref.name() == null || ref.subject() == null) {
                throw RegistryException.invalidSchema("Invalid schema reference: name and subject are required");
            }
            if (!done.add(ref.subject() + "@" + ref.version())) {
                continue;
            }
            StoredSchema target = versionRows(c, ref.subject(), false).stream()
                    .filter(v -> v.version() == ref.version()).findFirst()
                    .orElseThrow(() -> RegistryException.invalidSchema("Invalid schema reference '" + ref.name()
                            + "': version " + ref.version() + " of subject '" + ref.subject() + "' not found"))
                    .schema();
            collect(c, target.references(), done, texts, depth + 1);
            texts.add(target.text());
        }
    }

    /** Ids of the schemas, live in some subject, that reference a version; 40401/40402 when it does not exist. */
    public List<Integer> referencedBy(String subject, Integer version) {
        SubjectVersion target = version(subject, version, false);
        return jdbc.inTransaction(c -> {
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select distinct r.schema_id from registry_reference r
                    where r.subject = ? and r.version = ?
                      and exists (select 1 from registry_subject_version v where v.schema_id = r.schema_id
                                  and not v.deleted)
                    order by r.schema_id""")) {
                ps.setString(1, subject);
                ps.setInt(2, target.version());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
            }
            return ids;
        });
    }

    /** Refuses (42206) to delete a version another schema still refers to (live ones; any, when permanent). */
    private static void requireUnreferenced(Connection c, String subject, int version, boolean permanent)
            throws SQLException {
        if (exists(c, """
                select 1 from registry_reference r join registry_subject_version v on v.schema_id = r.schema_id
                where r.subject = ? and r.version = ? and (? or not v.deleted)""", subject, version, permanent)) {
            throw RegistryException.referenceExists("One or more references exist to the schema {subject="
                    + subject + ", version=" + version + "}");
        }
    }

    private static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Compatibility messages of {@code candidate} against the subject: against one version ({@code version}, null
     * for the latest) when {@code allVersions} is false, else against what the subject's level asks for.
     */
    public List<String> testCompatibility(String subject, Integer version, boolean allVersions, ParsedSchema candidate) {
        return jdbc.inTransaction(c -> checkCompatibility(c, subject, candidate, version, allVersions));
    }

    private List<String> checkCompatibility(Connection c, String subject, ParsedSchema candidate, Integer version,
                                            boolean allVersions) throws SQLException {
        CompatibilityLevel level = settings.effectiveLevel(c, subject);
        List<SubjectVersion> live = versionRows(c, subject, false);
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        if (allVersions) {
            for (SubjectVersion v : live) {
                previous.add(new CompatibilityChecker.Previous(v.version(), parsed(c, v.schema())));
            }
            return CompatibilityChecker.check(level, candidate, previous);
        }
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        SubjectVersion target = version == null ? live.get(live.size() - 1) : live.stream()
                .filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(subject, String.valueOf(version)));
        // Against one given version the direction of the level applies, never its transitivity.
        return CompatibilityChecker.check(level, candidate,
                List.of(new CompatibilityChecker.Previous(target.version(), parsed(c, target.schema()))));
    }

    /** The stored schema parsed again (cached by id), for compatibility checks. */
    private ParsedSchema parsed(Connection c, StoredSchema schema) throws SQLException {
        Optional<ParsedSchema> cached = parsedById.get(schema.id());
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            ParsedSchema p = types.parse(schema.type(), schema.text(), referencedTexts(c, schema.references()));
            parsedById.put(schema.id(), p);
            return p;
        } catch (InvalidSchemaException e) {
            throw RegistryException.storeError("stored schema " + schema.id() + " no longer parses: "
                    + e.getMessage(), e);
        }
    }

    /** Finds the version of the subject that holds this schema, or empty; 40401 when the subject has no version. */
    public Optional<SubjectVersion> lookup(String subject, Candidate candidate, boolean includeDeleted) {
        return jdbc.inTransaction(c -> {
            List<SubjectVersion> versions = versionRows(c, subject, includeDeleted);
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            String text = text(c, subject, candidate);
            String refs = referencesJson(candidate.references());
            String type = candidate.schema().type();
            return versions.stream().filter(v -> v.schema().type().equals(type) && v.schema().text().equals(text)
                    && referencesJson(v.schema().references()).equals(refs)).reduce((a, b) -> b);
        });
    }

    /** Subject names with a live version (or with any version, when {@code includeDeleted}), sorted. */
    public List<String> subjects(boolean includeDeleted, boolean deletedOnly, String prefix) {
        return jdbc.inTransaction(c -> {
            String sql = deletedOnly
                    ? "select subject from registry_subject_version group by subject having bool_and(deleted)"
                    : includeDeleted ? "select distinct subject from registry_subject_version"
                    : "select distinct subject from registry_subject_version where not deleted";
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select subject from (" + sql
                    + ") s where starts_with(subject, ?) order by subject")) {
                ps.setString(1, prefix == null ? "" : prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            return names;
        });
    }

    /** The versions of a subject, oldest first; 40401 when there is none. */
    public List<SubjectVersion> versions(String subject, boolean includeDeleted) {
        List<SubjectVersion> versions = jdbc.inTransaction(c -> versionRows(c, subject, includeDeleted));
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    /** One version ({@code null}: the latest) of a subject: 40401 without the subject, 40402 without the version. */
    public SubjectVersion version(String subject, Integer version, boolean includeDeleted) {
        List<SubjectVersion> versions = versions(subject, includeDeleted);
        if (version == null) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(subject, String.valueOf(version)));
    }

    private List<SubjectVersion> versionRows(Connection c, String subject, boolean includeDeleted) throws SQLException {
        List<SubjectVersion> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select v.version, v.deleted, " + SCHEMA_COLUMNS + """
                 from registry_subject_version v join registry_schema s on s.id = v.schema_id
                where v.subject = ? and (? or not v.deleted) order by v.version""")) {
            ps.setString(1, subject);
            ps.setBoolean(2, includeDeleted);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(new SubjectVersion(subject, rs.getInt(1), rs.getBoolean(2), schema(rs, 3)));
                }
            }
        }
        return versions;
    }

    /** The schema with this id, from the cache or else the database; 40403 when no version refers to it. */
    public StoredSchema schema(int id) {
        Optional<StoredSchema> cached = byId.get(id);
        if (cached.isPresent()) {
            metrics.counter("cdc.registry.schema.cache", "result", "hit").increment();
            return cached.get();
        }
        metrics.counter("cdc.registry.schema.cache", "result", "miss").increment();
        StoredSchema schema = jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + SCHEMA_COLUMNS + """
                     from registry_schema s
                    where s.id = ? and exists (select 1 from registry_subject_version v where v.schema_id = s.id)""")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? schema(rs, 1) : null;
                }
            }
        });
        if (schema == null) {
            throw RegistryException.schemaNotFound(id);
        }
        byId.put(id, schema);
        return schema;
    }

    /** The subject versions that hold a schema; 40403 when none does. */
    public List<SubjectVersion> versionsOfSchema(int id, boolean includeDeleted) {
        StoredSchema schema = schema(id);
        List<SubjectVersion> versions = jdbc.inTransaction(c -> {
            List<SubjectVersion> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select subject, version, deleted from registry_subject_version
                    where schema_id = ? and (? or not deleted) order by subject, version""")) {
                ps.setInt(1, id);
                ps.setBoolean(2, includeDeleted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new SubjectVersion(rs.getString(1), rs.getInt(2), rs.getBoolean(3), schema));
                    }
                }
            }
            return found;
        });
        return versions;
    }

    /**
     * Deletes every version of a subject: soft (marked deleted, still readable with {@code deleted=true}) or, for a
     * subject already soft-deleted, permanent (rows removed with the subject's config and mode; the version counter
     * stays, so numbers are not reused). Returns the versions deleted.
     */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> deleted = jdbc.inTransaction(c -> {
            lockSubject(c, subject);
            requireWritable(c, subject);
            List<SubjectVersion> all = versionRows(c, subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            boolean anyLive = all.stream().anyMatch(v -> !v.deleted());
            for (SubjectVersion v : all) {
                requireUnreferenced(c, subject, v.version(), permanent);
            }
            if (!permanent) {
                if (!anyLive) {
                    throw RegistryException.subjectSoftDeleted(subject);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "update registry_subject_version set deleted = true where subject = ? and not deleted")) {
                    ps.setString(1, subject);
                    ps.executeUpdate();
                }
                return all.stream().filter(v -> !v.deleted()).map(SubjectVersion::version).toList();
            }
            if (anyLive) {
                throw RegistryException.subjectNotSoftDeleted(subject);
            }
            for (String sql : List.of("delete from registry_subject_version where subject = ?",
                    "delete from registry_config where scope = ?", "delete from registry_mode where scope = ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, subject);
                    ps.executeUpdate();
                }
            }
            return all.stream().map(SubjectVersion::version).toList();
        });
        if (permanent) {
            forgetUnreferenced();
        }
        LOG.infof("%s deleted subject %s (versions %s)", permanent ? "permanently" : "soft", subject, deleted);
        return deleted;
    }

    /**
     * Deletes one version ({@code null}: the latest live one; with {@code permanent}, the latest soft-deleted one)
     * soft or permanently, as {@link #deleteSubject} does for all; returns its number.
     */
    public int deleteVersion(String subject, Integer version, boolean permanent) {
        int deleted = jdbc.inTransaction(c -> {
            lockSubject(c, subject);
            requireWritable(c, subject);
            List<SubjectVersion> all = versionRows(c, subject, true);
            if (all.isEmpty() || (!permanent && all.stream().allMatch(SubjectVersion::deleted))) {
                throw RegistryException.subjectNotFound(subject);
            }
            SubjectVersion target;
            if (version == null) {
                target = all.stream().filter(v -> permanent || !v.deleted()).reduce((a, b) -> b).orElseThrow();
            } else {
                target = all.stream().filter(v -> v.version() == version).findFirst()
                        .orElseThrow(() -> RegistryException.versionNotFound(subject, String.valueOf(version)));
            }
            if (!permanent && target.deleted()) {
                throw RegistryException.versionSoftDeleted(subject, target.version());
            }
            if (permanent && !target.deleted()) {
                throw RegistryException.versionNotSoftDeleted(subject, target.version());
            }
            requireUnreferenced(c, subject, target.version(), permanent);
            try (PreparedStatement ps = c.prepareStatement(permanent
                    ? "delete from registry_subject_version where subject = ? and version = ?"
                    : "update registry_subject_version set deleted = true where subject = ? and version = ?")) {
                ps.setString(1, subject);
                ps.setInt(2, target.version());
                ps.executeUpdate();
            }
            return target.version();
        });
        if (permanent) {
            forgetUnreferenced();
        }
        LOG.infof("%s deleted version %d of subject %s", permanent ? "permanently" : "soft", deleted, subject);
        return deleted;
    }

    private void requireWritable(Connection c, String subject) throws SQLException {
        if (settings.effectiveMode(c, subject).readOnly()) {
            throw RegistryException.operationNotPermitted("Subject '" + subject + "' is in read-only mode");
        }
    }

    /** Drops from the cache the ids no version refers to any more, so that they answer 40403 as the database does. */
    private void forgetUnreferenced() {
        List<Integer> orphans = jdbc.inTransaction(c -> {
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select id from registry_schema s
                    where not exists (select 1 from registry_subject_version v where v.schema_id = s.id)""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
            return ids;
        });
        byId.removeAll(orphans);
    }

    /** Whether any subject (or this one, when {@code subject} is not global) has a version, live or deleted. */
    public boolean hasVersions(String subject) {
        return jdbc.inTransaction(c -> subject.equals(SettingsStore.GLOBAL)
                ? exists(c, "select 1 from registry_subject_version limit 1")
                : exists(c, "select 1 from registry_subject_version where subject = ? limit 1", subject));
    }

    /** The highest schema id handed out so far (0 when none). */
    public int maxId() {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select coalesce(max(id), 0) from registry_schema");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Every subject version whose subject starts with {@code prefix}, by subject and version. */
    public List<SubjectVersion> allVersions(String prefix, boolean includeDeleted) {
        return jdbc.inTransaction(c -> {
            List<SubjectVersion> versions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select v.subject, v.version, v.deleted, " + SCHEMA_COLUMNS
                    + """
                     from registry_subject_version v join registry_schema s on s.id = v.schema_id
                    where starts_with(v.subject, ?) and (? or not v.deleted) order by v.subject, v.version""")) {
                ps.setString(1, prefix == null ? "" : prefix);
                ps.setBoolean(2, includeDeleted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(new SubjectVersion(rs.getString(1), rs.getInt(2), rs.getBoolean(3), schema(rs, 4)));
                    }
                }
            }
            return versions;
        });
    }

    /** Empties the in-memory caches, so that the next reads come from the database. */
    public void clearCache() {
        byId.clear();
        parsedById.clear();
    }

    private static StoredSchema schema(ResultSet rs, int first) throws SQLException {
        return new StoredSchema(rs.getInt(first), rs.getString(first + 1), rs.getString(first + 2),
                references(rs.getString(first + 3)));
    }

    static String referencesJson(List<SchemaReference> references) {
        try {
            return MAPPER.writeValueAsString(references);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write schema references", e);
        }
    }

    private static List<SchemaReference> references(String json) throws SQLException {
        try {
            return MAPPER.readValue(json, new TypeReference<List<SchemaReference>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable references_json: " + e.getOriginalMessage(), e);
        }
    }

    static String hash(String type, String text, String references) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(type.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(references.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
