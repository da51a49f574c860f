package io.cdcflow.registry.store;

import io.cdcflow.registry.config.RegistryConfig;
import io.cdcflow.registry.schema.CompatibilityLevel;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/**
 * Compatibility settings and modes, global (scope {@code ""}) and per subject, in tables {@code registry_config} and
 * {@code registry_mode}. A subject without its own setting follows the global one, and the global one defaults to
 * {@code cdc.registry.default-compatibility} and READWRITE.
 */
@ApplicationScoped
public class SettingsStore {

    /** The scope of global settings. */
    public static final String GLOBAL = "";

    private final Jdbc jdbc;
    private final CompatibilityLevel defaultLevel;

    SettingsStore(Jdbc jdbc, RegistryConfig config) {
        this.jdbc = jdbc;
        this.defaultLevel = CompatibilityLevel.parse(config.defaultCompatibility()).orElse(CompatibilityLevel.BACKWARD);
    }

    /** The level used when nothing is stored. */
    public CompatibilityLevel defaultLevel() {
        return defaultLevel;
    }

    /** The setting stored at exactly this scope. */
    public Optional<SubjectSettings> config(String scope) {
        return jdbc.inTransaction(c -> config(c, scope));
    }

    Optional<SubjectSettings> config(Connection c, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select compatibility, normalize from registry_config where scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String compatibility = rs.getString(1);
                boolean normalize = rs.getBoolean(2);
                return Optional.of(new SubjectSettings(compatibility, rs.wasNull() ? null : normalize));
            }
        }
    }

    /** Stores a setting at a scope (null fields keep their stored value) and returns what is now stored. */
    public SubjectSettings putConfig(String scope, String compatibility, Boolean normalize) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into registry_config (scope, compatibility, normalize) values (?, ?, ?)
                    on conflict (scope) do update set
                        compatibility = coalesce(excluded.compatibility, registry_config.compatibility),
                        normalize = coalesce(excluded.normalize, registry_config.normalize)""")) {
                ps.setString(1, scope);
                ps.setString(2, compatibility);
                if (normalize == null) {
                    ps.setNull(3, Types.BOOLEAN);
                } else {
                    ps.setBoolean(3, normalize);
                }
                ps.executeUpdate();
            }
            return config(c, scope).orElseThrow();
        });
    }

    /** Removes the setting of a scope and returns what was stored. */
    public Optional<SubjectSettings> deleteConfig(String scope) {
        return jdbc.inTransaction(c -> {
            Optional<SubjectSettings> previous = config(c, scope);
            try (PreparedStatement ps = c.prepareStatement("delete from registry_config where scope = ?")) {
                ps.setString(1, scope);
                ps.executeUpdate();
            }
            return previous;
        });
    }

    /** The level that applies to a subject: its own, else the global one, else the default. */
    public CompatibilityLevel effectiveLevel(String subject) {
        return jdbc.inTransaction(c -> effectiveLevel(c, subject));
    }

    CompatibilityLevel effectiveLevel(Connection c, String subject) throws SQLException {
        for (String scope : new String[] {subject, GLOBAL}) {
            Optional<CompatibilityLevel> level = config(c, scope).map(SubjectSettings::compatibility)
                    .flatMap(CompatibilityLevel::parse);
            if (level.isPresent()) {
                return level.get();
            }
        }
        return defaultLevel;
    }

    /** Whether schemas of a subject are normalized by default: its own setting, else the global one, else false. */
    boolean effectiveNormalize(Connection c, String subject) throws SQLException {
        for (String scope : new String[] {subject, GLOBAL}) {
            Optional<Boolean> normalize = config(c, scope).map(SubjectSettings::normalize);
            if (normalize.isPresent()) {
                return normalize.get();
            }
        }
        return false;
    }

    /** The mode stored at exactly this scope. */
    public Optional<RegistryMode> mode(String scope) {
        return jdbc.inTransaction(c -> mode(c, scope));
    }

    Optional<RegistryMode> mode(Connection c, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select mode from registry_mode where scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? RegistryMode.parse(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The mode that applies to a subject: its own, else the global one, else READWRITE. */
    public RegistryMode effectiveMode(String subject) {
        return jdbc.inTransaction(c -> effectiveMode(c, subject));
    }

    RegistryMode effectiveMode(Connection c, String subject) throws SQLException {
        if (!subject.equals(GLOBAL)) {
            Optional<RegistryMode> own = mode(c, subject);
            if (own.isPresent()) {
                return own.get();
            }
        }
        return mode(c, GLOBAL).orElse(RegistryMode.READWRITE);
    }

    /** Stores the mode of a scope. */
    public void putMode(String scope, RegistryMode mode) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into registry_mode (scope, mode) values (?, ?)
                    on conflict (scope) do update set mode = excluded.mode""")) {
                ps.setString(1, scope);
                ps.setString(2, mode.name());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Removes the mode of a scope and returns what was stored. */
    public Optional<RegistryMode> deleteMode(String scope) {
        return jdbc.inTransaction(c -> {
            Optional<RegistryMode> previous = mode(c, scope);
            try (PreparedStatement ps = c.prepareStatement("delete from registry_mode where scope = ?")) {
                ps.setString(1, scope);
                ps.executeUpdate();
            }
            return previous;
        });
    }
}
