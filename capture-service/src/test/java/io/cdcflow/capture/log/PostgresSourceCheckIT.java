package io.cdcflow.capture.log;

import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start-up checks of a PostgreSQL log source, against the real source server. */
class PostgresSourceCheckIT {

    static {
        // DriverManager hands out only drivers of the caller's class loader; a @QuarkusTest that ran earlier in this
        // JVM registered its drivers from its own loader.
        try {
            Class.forName("org.postgresql.Driver");
            Class.forName("org.mariadb.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void namesEveryTableThatCannotBeCapturedFaithfully() throws Exception {
        StackEndpoints stack = Stack.up();
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS check_it CASCADE");
            s.execute("CREATE SCHEMA check_it");
            s.execute("CREATE TABLE check_it.good (id int PRIMARY KEY, v text)");
            s.execute("ALTER TABLE check_it.good REPLICA IDENTITY FULL");
            s.execute("CREATE TABLE check_it.no_pk (v text)");
            s.execute("CREATE TABLE check_it.default_identity (id int PRIMARY KEY, v text)");
        }

        assertThatCode(() -> PostgresSourceCheck.check("chk", source(stack, List.of("check_it.good"), true)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PostgresSourceCheck.check("chk", source(stack,
                List.of("check_it.good", "check_it.missing", "check_it.no_pk", "check_it.default_identity"), true)))
                .hasMessageContaining("cdc.capture.sources.chk.tables: table check_it.missing does not exist")
                .hasMessageContaining("table check_it.no_pk has no primary key")
                .hasMessageContaining("table check_it.default_identity lacks REPLICA IDENTITY FULL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("check_it.good"));
        assertThatCode(() -> PostgresSourceCheck.check("chk", source(stack, List.of("check_it.default_identity"), false)))
                .as("only a warning when full replica identity is not required").doesNotThrowAnyException();
    }

    @Test
    void anUnreachableServerIsNotAConfigurationError() {
        Map<String, Object> values = new HashMap<>(base(Stack.up(), List.of("check_it.good"), true));
        values.put("port", 1); // nothing listens there
        assertThatCode(() -> PostgresSourceCheck.check("chk", proxy(values))).doesNotThrowAnyException();
    }

    private static SourceConfig source(StackEndpoints stack, List<String> tables, boolean requireFull) {
        return proxy(base(stack, tables, requireFull));
    }

    private static Map<String, Object> base(StackEndpoints stack, List<String> tables, boolean requireFull) {
        return Map.of("kind", DatabaseKind.postgresql, "host", stack.get("CDC_SOURCE_PG_HOST"),
                "port", Integer.parseInt(stack.get("CDC_SOURCE_PG_PORT")), "database", stack.get("CDC_SOURCE_PG_DB"),
                "user", stack.get("CDC_SOURCE_PG_USER"), "password", stack.get("CDC_SOURCE_PG_PASSWORD"),
                "tables", tables, "requireFullReplicaIdentity", requireFull);
    }

    /** A SourceConfig from a map, so that options added to the interface later need no change here. */
    static SourceConfig proxy(Map<String, Object> values) {
        return (SourceConfig) Proxy.newProxyInstance(SourceConfig.class.getClassLoader(), new Class<?>[]{SourceConfig.class},
                (p, method, args) -> switch (method.getName()) {
                    case "toString" -> "source " + values;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> values.containsKey(method.getName()) ? values.get(method.getName())
                            : method.getReturnType() == Optional.class ? Optional.empty()
                            : method.getReturnType() == List.class ? List.of()
                            : method.getReturnType() == Map.class ? Map.of() : null;
                });
    }
}
