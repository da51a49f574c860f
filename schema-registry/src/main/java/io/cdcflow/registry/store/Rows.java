package io.cdcflow.registry.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcflow.registry.RegistryException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQL the store's classes share: locking a subject, reading versions and schema rows, references as JSON. */
final class Rows {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The columns {@link #schema(ResultSet, int)} reads, in order. */
    static final String SCHEMA_COLUMNS = "s.id, s.schema_type, s.schema_text, s.references_json";

    private Rows() {
    }

    /** Creates the subject row if needed and locks it for the transaction; returns the last version ever used. */
    static int lockSubject(Connection c, String subject) throws SQLException {
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

    static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static List<StoredVersion> versionRows(Connection c, String subject, boolean includeDeleted) throws SQLException {
        List<StoredVersion> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select v.version, v.deleted, " + SCHEMA_COLUMNS + """
                 from registry_subject_version v join registry_schema s on s.id = v.schema_id
                where v.subject = ? and (? or not v.deleted) order by v.version""")) {
            ps.setString(1, subject);
            ps.setBoolean(2, includeDeleted);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(new StoredVersion(subject, rs.getInt(1), rs.getBoolean(2), schema(rs, 3)));
                }
            }
        }
        return versions;
    }

    /** One version ({@code null}: the latest) of a subject: 40401 without the subject, 40402 without the version. */
    static StoredVersion version(Connection c, String subject, Integer version, boolean includeDeleted)
            throws SQLException {
        List<StoredVersion> versions = versionRows(c, subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (version == null) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(subject, String.valueOf(version)));
    }

    static StoredSchema schema(ResultSet rs, int first) throws SQLException {
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

    static List<SchemaReference> references(String json) throws SQLException {
        try {
            return MAPPER.readValue(json, new TypeReference<List<SchemaReference>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable references_json: " + e.getOriginalMessage(), e);
        }
    }
}
