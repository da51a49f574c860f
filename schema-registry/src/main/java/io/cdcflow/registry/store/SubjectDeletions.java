package io.cdcflow.registry.store;

import io.cdcflow.registry.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Soft and permanent deletion of subjects and versions, with Confluent's rules: a soft delete first, then a
 * permanent one; a version another schema references stays; read-only modes refuse. Version numbers are never
 * handed out again ({@code registry_subject.last_version} is kept), and the schema cache forgets the ids that no
 * version refers to any more.
 */
@ApplicationScoped
public class SubjectDeletions {

    private static final Logger LOG = Logger.getLogger(SubjectDeletions.class);

    private final Jdbc jdbc;
    private final SettingsStore settings;
    private final SchemaStore schemas;

    SubjectDeletions(Jdbc jdbc, SettingsStore settings, SchemaStore schemas) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.schemas = schemas;
    }

    /**
     * Deletes every version of a subject: soft (marked deleted, still readable with {@code deleted=true}) or, for a
     * subject already soft-deleted, permanent (rows removed with the subject's config and mode; the version counter
     * stays, so numbers are not reused). Returns the versions deleted.
     */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> deleted = jdbc.inTransaction(c -> {
            Rows.lockSubject(c, subject);
            requireWritable(c, subject);
            List<StoredVersion> all = Rows.versionRows(c, subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            boolean anyLive = all.stream().anyMatch(v -> !v.deleted());
            for (StoredVersion v : all) {
                ReferenceStore.requireUnreferenced(c, subject, v.version(), permanent);
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
                return all.stream().filter(v -> !v.deleted()).map(StoredVersion::version).toList();
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
            return all.stream().map(StoredVersion::version).toList();
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
            Rows.lockSubject(c, subject);
            requireWritable(c, subject);
            List<StoredVersion> all = Rows.versionRows(c, subject, true);
            if (all.isEmpty() || (!permanent && all.stream().allMatch(StoredVersion::deleted))) {
                throw RegistryException.subjectNotFound(subject);
            }
            StoredVersion target;
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
            ReferenceStore.requireUnreferenced(c, subject, target.version(), permanent);
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
        schemas.forget(orphans);
    }
}
