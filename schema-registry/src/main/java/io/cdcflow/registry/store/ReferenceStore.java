package io.cdcflow.registry.store;

import io.cdcflow.registry.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Schema references (Confluent's {@code references}: a name, a subject and a version): resolves them to the texts a
 * parser needs, records them in {@code registry_reference}, and keeps a referenced version from being deleted.
 */
@ApplicationScoped
public class ReferenceStore {

    private final Jdbc jdbc;

    ReferenceStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    static void insertReferences(Connection c, int id, String refs) throws SQLException {
        for (SchemaReference ref : Rows.references(refs)) {
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

    List<String> referencedTexts(Connection c, List<SchemaReference> references) throws SQLException {
        List<String> texts = new ArrayList<>();
        collect(c, references, new HashSet<>(), texts, 0);
        return texts;
    }

    private void collect(Connection c, List<SchemaReference> references, Set<String> done, List<String> texts,
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
            StoredSchema target = Rows.versionRows(c, ref.subject(), false).stream()
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
        return jdbc.inTransaction(c -> {
            StoredVersion target = Rows.version(c, subject, version, false);
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
    static void requireUnreferenced(Connection c, String subject, int version, boolean permanent)
            throws SQLException {
        if (Rows.exists(c, """
                select 1 from registry_reference r join registry_subject_version v on v.schema_id = r.schema_id
                where r.subject = ? and r.version = ? and (? or not v.deleted)""", subject, version, permanent)) {
            throw RegistryException.referenceExists("One or more references exist to the schema {subject="
                    + subject + ", version=" + version + "}");
        }
    }
}
