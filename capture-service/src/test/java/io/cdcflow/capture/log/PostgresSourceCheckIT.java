package io.cdcflow.capture.log;

import io.cdcflow.capture.jdbc.TestDrivers;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start-up checks of a PostgreSQL log source, against the real source server. */
class PostgresSourceCheckIT {

    /** A slot name no test creates: the check passes over a slot Debezium has not made yet. */
    private static final String NO_SLOT_YET = "hardening_no_such_slot";

    static {
        TestDrivers.load();
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

        assertThatCode(() -> PostgresSourceCheck.check("chk", source(stack, List.of("check_it.good"), true), NO_SLOT_YET))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PostgresSourceCheck.check("chk", source(stack,
                List.of("check_it.good", "check_it.missing", "check_it.no_pk", "check_it.default_identity"), true),
                NO_SLOT_YET))
                .hasMessageContaining("cdc.capture.sources.chk.tables: table check_it.missing does not exist")
                .hasMessageContaining("table check_it.no_pk has no primary key")
                .hasMessageContaining("table check_it.default_identity lacks REPLICA IDENTITY FULL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("check_it.good"));
        assertThatCode(() -> PostgresSourceCheck.check("chk", source(stack, List.of("check_it.default_identity"), false),
                NO_SLOT_YET))
                .as("only a warning when full replica identity is not required").doesNotThrowAnyException();
    }

    @Test
    void aSlotWhoseWalIsReservedPassesAndALostSlotIsAStartupErrorNamingTheRecovery() throws Exception {
        StackEndpoints stack = Stack.up();
        String slot = "hardening_check_slot";
        try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS check_slot_it CASCADE");
            s.execute("CREATE SCHEMA check_slot_it");
            s.execute("CREATE TABLE check_slot_it.t (id int PRIMARY KEY)");
            s.execute("ALTER TABLE check_slot_it.t REPLICA IDENTITY FULL");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "'");
            s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        try {
            // The slot the check reads is real; its wal_status on this server is 'reserved'.
            assertThatCode(() -> PostgresSourceCheck.check("chk", source(stack, List.of("check_slot_it.t"), true), slot))
                    .doesNotThrowAnyException();
            try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isIn("reserved", "extended");
            }
        } finally {
            try (Connection c = PostgresSourceResource.connect(stack); Statement s = c.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                s.execute("DROP SCHEMA check_slot_it CASCADE");
            }
        }
        // A lost slot cannot be made on the shared server (it needs max_slot_wal_keep_size set and WAL removed), so
        // the verdict on each wal_status is checked directly.
        assertThat(PostgresSourceCheck.slotProblem("chk", slot, "lost")).get().asString()
                .contains("cdc.capture.sources.chk.log.slot-name", "wal_status=lost", "pg_drop_replication_slot('" + slot + "')",
                        "chk.offsets", "snapshot");
        assertThat(PostgresSourceCheck.slotProblem("chk", slot, "unreserved")).isEmpty();
        assertThat(PostgresSourceCheck.slotProblem("chk", slot, "reserved")).isEmpty();
        assertThat(PostgresSourceCheck.slotProblem("chk", slot, "extended")).isEmpty();
    }

    @Test
    void anUnreachableServerIsNotAConfigurationError() {
        SourceConfig unreachable = source(Stack.up(), List.of("check_it.good"), true, Map.of("port", "1")); // nothing listens there
        assertThatCode(() -> PostgresSourceCheck.check("chk", unreachable, NO_SLOT_YET)).doesNotThrowAnyException();
    }

    private static SourceConfig source(StackEndpoints stack, List<String> tables, boolean requireFull) {
        return source(stack, tables, requireFull, Map.of());
    }

    private static SourceConfig source(StackEndpoints stack, List<String> tables, boolean requireFull,
                                       Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(extra);
        p.put("log.require-full-replica-identity", Boolean.toString(requireFull));
        return CaptureConfigs.source(stack, "chk", DatabaseKind.postgresql, String.join(",", tables), p);
    }
}
