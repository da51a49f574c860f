package io.cdcflow.registry.api;

import io.cdcflow.registry.RegistryStoreResource;
import io.cdcflow.registry.store.SchemaStore;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static io.cdcflow.registry.api.Api.anonymous;
import static io.cdcflow.registry.api.Api.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * What the registry answers is what PostgreSQL holds: checked through a second connection of our own, and after
 * the in-memory caches are emptied (as a restarted service starts). The cache serves a known id without the database.
 */
@QuarkusTest
@WithTestResource(RegistryStoreResource.class)
class PersistenceIT {

    private static final String SCHEMA = "{'type':'object','properties':{'id':{'type':'integer'}}}";

    @Inject
    SchemaStore store;

    @BeforeEach
    void empty() {
        RegistryStoreResource.truncate();
        store.clearCache();
    }

    @Test
    void registrationsAreInTheDatabase() throws Exception {
        int id = register("rows-value", "JSON", SCHEMA);
        try (Connection c = RegistryStoreResource.connect();
             PreparedStatement ps = c.prepareStatement("""
                     select s.schema_type, s.schema_text, v.version, v.deleted from registry_schema s
                     join registry_subject_version v on v.schema_id = s.id where s.id = ? and v.subject = ?""")) {
            ps.setInt(1, id);
            ps.setString(2, "rows-value");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("JSON");
                assertThat(rs.getString(2)).isEqualTo(SCHEMA.replace('\'', '"'));
                assertThat(rs.getInt(3)).isEqualTo(1);
                assertThat(rs.getBoolean(4)).isFalse();
            }
        }
    }

    @Test
    void everythingReadsBackAfterTheCachesAreEmptied() {
        int id = register("rows-value", "JSON", SCHEMA);
        Api.level("rows-value", "FULL");
        store.clearCache();
        anonymous().get("/schemas/ids/{id}", id).then().statusCode(200).body("schema", equalTo(SCHEMA.replace('\'', '"')));
        anonymous().get("/subjects/rows-value/versions").then().body("", contains(1));
        anonymous().get("/config/rows-value").then().body("compatibilityLevel", equalTo("FULL"));
        assertThat(register("rows-value", "JSON", SCHEMA)).isEqualTo(id);
    }

    @Test
    void aKnownIdIsServedFromTheCacheAndTheDatabaseAfterAClear() throws Exception {
        int id = register("rows-value", "JSON", SCHEMA);
        anonymous().get("/schemas/ids/{id}", id).then().statusCode(200);
        // Change the row behind the service's back: the cached answer does not go to the database again.
        String changed = "{\"type\":\"object\",\"title\":\"changed behind the cache\"}";
        try (Connection c = RegistryStoreResource.connect();
             PreparedStatement ps = c.prepareStatement("update registry_schema set schema_text = ? where id = ?")) {
            ps.setString(1, changed);
            ps.setInt(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        anonymous().get("/schemas/ids/{id}", id).then().body("schema", equalTo(SCHEMA.replace('\'', '"')));
        store.clearCache();
        anonymous().get("/schemas/ids/{id}", id).then().body("schema", equalTo(changed));
    }
}
