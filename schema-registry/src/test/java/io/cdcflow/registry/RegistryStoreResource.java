package io.cdcflow.registry;

import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Starts the local stack ({@code bin/stack up}) and points the registry at the store PostgreSQL's {@code registry}
 * database, in a schema of its own ({@value #SCHEMA}) so that tests may empty it without touching the data of a
 * registry service running against the same database.
 */
public class RegistryStoreResource implements QuarkusTestResourceLifecycleManager {

    /** The PostgreSQL schema the tests use. */
    public static final String SCHEMA = "registry_it";

    @Override
    public Map<String, String> start() {
        StackEndpoints stack = Stack.up();
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl(),
                "quarkus.datasource.username", stack.get("CDC_STORE_PG_USER"),
                "quarkus.datasource.password", stack.get("CDC_STORE_PG_PASSWORD"),
                "quarkus.flyway.schemas", SCHEMA,
                "quarkus.flyway.default-schema", SCHEMA,
                "cdc.registry.auth.tokens", "it-token");
    }

    @Override
    public void stop() {
        // The stack outlives the tests (bin/stack is idempotent and shared).
    }

    /** JDBC URL of the tests' registry schema. */
    public static String jdbcUrl() {
        return Stack.up().storePgJdbcUrl("registry") + "?currentSchema=" + SCHEMA;
    }

    /** A direct connection to the store, bypassing the service (to check what is really stored). */
    public static Connection connect() throws SQLException {
        StackEndpoints stack = Stack.up();
        return DriverManager.getConnection(jdbcUrl(), stack.get("CDC_STORE_PG_USER"), stack.get("CDC_STORE_PG_PASSWORD"));
    }

    /** Empties every registry table, so that each test starts from an empty registry. */
    public static void truncate() {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("truncate registry_reference, registry_subject_version, registry_subject, registry_schema,"
                    + " registry_config, registry_mode restart identity cascade");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the registry tables", e);
        }
    }
}
