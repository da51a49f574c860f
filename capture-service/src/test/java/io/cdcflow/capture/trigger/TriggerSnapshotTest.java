package io.cdcflow.capture.trigger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcflow.capture.jdbc.MariaDbDialect;
import io.cdcflow.capture.jdbc.PostgresDialect;
import io.cdcflow.capture.state.StateStore;
import io.cdcflow.capture.jdbc.TableId;
import io.cdcflow.model.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trigger snapshot's progress goes through its {@link StateStore} (the source database's state table), so that
 * whichever instance runs the source next, a standby with an empty state folder included, resumes it; and the
 * state table's statements.
 */
class TriggerSnapshotTest {

    /** A store kept in memory, shared by the "instances" of a test as the source database's row is. */
    private static final class SharedRow implements StateStore {
        private ObjectNode state = Json.mapper().createObjectNode();
        private int saves;

        @Override
        public ObjectNode load() {
            return state.deepCopy();
        }

        @Override
        public void save(ObjectNode s) {
            state = s.deepCopy();
            saves++;
        }
    }

    @Test
    void anotherInstanceResumesFromTheSharedProgress() throws Exception {
        SharedRow row = new SharedRow();
        TableId items = ChangeLogStatementsTest.ITEMS.id();
        TriggerSnapshot first = TriggerSnapshot.of(new PostgresDialect(), row, List.of(ChangeLogStatementsTest.ITEMS), true,
                Set.of(), Set.of());
        assertThat(first.pendingTables()).containsExactly(items);

        // The leader published chunks up to key 250, then died; the standby reads the same row.
        row.save(Json.mapper().createObjectNode().set(items.qualifiedName(),
                Json.mapper().createObjectNode().set("after", Json.mapper().createArrayNode().add("250"))));
        TriggerSnapshot standby = TriggerSnapshot.of(new PostgresDialect(), row, List.of(ChangeLogStatementsTest.ITEMS), true,
                Set.of(), Set.of());
        assertThat(standby.pendingTables()).as("not read through: still pending").containsExactly(items);
        assertThat(standby.resumesAfter(items)).as("resumed after the saved key, not from the start").contains(List.of("250"));

        row.save(Json.mapper().createObjectNode().set(items.qualifiedName(), Json.mapper().createObjectNode().put("done", true)));
        assertThat(TriggerSnapshot.of(new PostgresDialect(), row, List.of(ChangeLogStatementsTest.ITEMS), true, Set.of(),
                Set.of()).pending()).as("read through by the leader: not read again").isFalse();

        // A repair reads the table again: its progress is forgotten in the shared row too.
        int saves = row.saves;
        TriggerSnapshot again = TriggerSnapshot.of(new PostgresDialect(), row, List.of(ChangeLogStatementsTest.ITEMS), false,
                Set.of(items.qualifiedName()), Set.of(items.qualifiedName()));
        assertThat(again.resumesAfter(items)).isEmpty();
        assertThat(row.saves).isEqualTo(saves + 1);
        assertThat(row.load().has(items.qualifiedName())).isFalse();
    }

    @Test
    void stateTableStatementsPerDialect() {
        TriggerStateTable pg = new TriggerStateTable(new PostgresDialect(), "cdc", "shop", Path.of("state"));
        assertThat(pg.createStatement()).isEqualTo("CREATE TABLE IF NOT EXISTS \"cdc\".\"cdc_capture_state\" (source text NOT "
                + "NULL, name text NOT NULL, state text NOT NULL, PRIMARY KEY (source, name))");
        assertThat(pg.upsertStatement()).isEqualTo("INSERT INTO \"cdc\".\"cdc_capture_state\" (source, name, state) VALUES "
                + "(?, ?, ?) ON CONFLICT (source, name) DO UPDATE SET state = EXCLUDED.state");
        TriggerStateTable my = new TriggerStateTable(new MariaDbDialect(true), "inventory", "shop", Path.of("state"));
        assertThat(my.createStatement()).startsWith("CREATE TABLE IF NOT EXISTS `inventory`.`cdc_capture_state` (")
                .contains("PRIMARY KEY (source, name)");
        assertThat(my.upsertStatement()).endsWith("ON DUPLICATE KEY UPDATE state = VALUES(state)");
    }
}
