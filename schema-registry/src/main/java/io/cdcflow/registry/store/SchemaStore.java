package io.cdcflow.registry.store;

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

    private final Jdbc jdbc;
    private final SettingsStore settings;
    private final SchemaTypes types;
    private final ReferenceStore references;
    private final MeterRegistry metrics;
    private final LruCache<Integer, StoredSchema> byId;
    private final LruCache<Integer, ParsedSchema> parsedById;

    SchemaStore(Jdbc jdbc, SettingsStore settings, SchemaTypes types, ReferenceStore references,
                MeterRegistry metrics, RegistryConfig config) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.types = types;
        this.references = references;
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
            int lastVersion = Rows.lockSubject(c, subject);
            RegistryMode mode = settings.effectiveMode(c, subject);
            if (mode.readOnly()) {
                throw RegistryException.operationNotPermitted("Subject '" + subject + "' is in read-only mode");
            }
            String text = text(c, subject, candidate);
            String refs = Rows.referencesJson(candidate.references());
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

    private static int nextVersion(Connection c, String subject, int lastVersion, Integer requested) throws SQLException {
        int version = requested != null ? requested : lastVersion + 1;
        if (requested != null && Rows.exists(c, "select 1 from registry_subject_version where subject = ? and version = ?",
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
                    ReferenceStore.insertReferences(c, id, refs);
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
        if (Rows.exists(c, "select 1 from registry_schema where id = ?", id)) {
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
        ReferenceStore.insertReferences(c, id, refs);
        try (PreparedStatement ps = c.prepareStatement("""
                select setval(pg_get_serial_sequence('registry_schema', 'id'),
                              greatest((select max(id) from registry_schema), 1))""")) {
            ps.executeQuery().close();
        }
        return id;
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
        List<StoredVersion> live = Rows.versionRows(c, subject, false);
        List<CompatibilityChecker.Previous> previous = new ArrayList<>();
        if (allVersions) {
            for (StoredVersion v : live) {
                previous.add(new CompatibilityChecker.Previous(v.version(), parsed(c, v.schema())));
            }
            return CompatibilityChecker.check(level, candidate, previous);
        }
        if (live.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        StoredVersion target = version == null ? live.get(live.size() - 1) : live.stream()
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
            ParsedSchema p = types.parse(schema.type(), schema.text(), references.referencedTexts(c, schema.references()));
            parsedById.put(schema.id(), p);
            return p;
        } catch (InvalidSchemaException e) {
            throw RegistryException.storeError("stored schema " + schema.id() + " no longer parses: "
                    + e.getMessage(), e);
        }
    }

    /** Finds the version of the subject that holds this schema, or empty; 40401 when the subject has no version. */
    public Optional<StoredVersion> lookup(String subject, Candidate candidate, boolean includeDeleted) {
        return jdbc.inTransaction(c -> {
            List<StoredVersion> versions = Rows.versionRows(c, subject, includeDeleted);
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            String text = text(c, subject, candidate);
            String refs = Rows.referencesJson(candidate.references());
            String type = candidate.schema().type();
            return versions.stream().filter(v -> v.schema().type().equals(type) && v.schema().text().equals(text)
                    && Rows.referencesJson(v.schema().references()).equals(refs)).reduce((a, b) -> b);
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
    public List<StoredVersion> versions(String subject, boolean includeDeleted) {
        List<StoredVersion> versions = jdbc.inTransaction(c -> Rows.versionRows(c, subject, includeDeleted));
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    /** One version ({@code null}: the latest) of a subject: 40401 without the subject, 40402 without the version. */
    public StoredVersion version(String subject, Integer version, boolean includeDeleted) {
        return jdbc.inTransaction(c -> Rows.version(c, subject, version, includeDeleted));
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
            try (PreparedStatement ps = c.prepareStatement("select " + Rows.SCHEMA_COLUMNS + """
                     from registry_schema s
                    where s.id = ? and exists (select 1 from registry_subject_version v where v.schema_id = s.id)""")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Rows.schema(rs, 1) : null;
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
    public List<StoredVersion> versionsOfSchema(int id, boolean includeDeleted) {
        StoredSchema schema = schema(id);
        List<StoredVersion> versions = jdbc.inTransaction(c -> {
            List<StoredVersion> found = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select subject, version, deleted from registry_subject_version
                    where schema_id = ? and (? or not deleted) order by subject, version""")) {
                ps.setInt(1, id);
                ps.setBoolean(2, includeDeleted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new StoredVersion(rs.getString(1), rs.getInt(2), rs.getBoolean(3), schema));
                    }
                }
            }
            return found;
        });
        return versions;
    }

    /** Whether any subject (or this one, when {@code subject} is not global) has a version, live or deleted. */
    public boolean hasVersions(String subject) {
        return jdbc.inTransaction(c -> subject.equals(SettingsStore.GLOBAL)
                ? Rows.exists(c, "select 1 from registry_subject_version limit 1")
                : Rows.exists(c, "select 1 from registry_subject_version where subject = ? limit 1", subject));
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
    public List<StoredVersion> allVersions(String prefix, boolean includeDeleted) {
        return jdbc.inTransaction(c -> {
            List<StoredVersion> versions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select v.subject, v.version, v.deleted, " + Rows.SCHEMA_COLUMNS
                    + """
                     from registry_subject_version v join registry_schema s on s.id = v.schema_id
                    where starts_with(v.subject, ?) and (? or not v.deleted) order by v.subject, v.version""")) {
                ps.setString(1, prefix == null ? "" : prefix);
                ps.setBoolean(2, includeDeleted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(new StoredVersion(rs.getString(1), rs.getInt(2), rs.getBoolean(3), Rows.schema(rs, 4)));
                    }
                }
            }
            return versions;
        });
    }

    /** Forgets cached schemas (after a permanent deletion left them without a version). */
    void forget(List<Integer> ids) {
        byId.removeAll(ids);
    }

    /** Empties the in-memory caches, so that the next reads come from the database. */
    public void clearCache() {
        byId.clear();
        parsedById.clear();
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
