package io.cdcflow.capture.timestamp;

import io.cdcflow.capture.config.CaptureConfig;
import io.cdcflow.capture.config.DatabaseKind;
import io.cdcflow.capture.config.SourceConfig;
import io.cdcflow.capture.config.CaptureConfigs;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up checks of timestamp sources against the real source PostgreSQL, through the real configuration
 * mapping: a missing table, a missing or non-timestamp column, a missing creation column each fail naming the
 * property; a good table passes.
 */
class TimestampStartupCheckIT {

    static StackEndpoints stack;

    @BeforeAll
    static void prepare() throws Exception {
        stack = Stack.up();
        try (Connection c = DriverManager.getConnection(stack.sourcePgJdbcUrl(), stack.get("CDC_SOURCE_PG_USER"),
                stack.get("CDC_SOURCE_PG_PASSWORD")); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS capture_ts_check CASCADE");
            s.execute("CREATE SCHEMA capture_ts_check");
            s.execute("CREATE TABLE capture_ts_check.good (id int PRIMARY KEY, updated_at timestamptz, changed text)");
        }
    }

    static void create(Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(extra);
        p.put("strategy", "timestamp");
        SourceConfig source = CaptureConfigs.source(stack, "chk", DatabaseKind.postgresql, "capture_ts_check.good", p);
        CaptureConfig config = CaptureConfigs.of(Map.of());
        new TimestampChangeSourceFactory(config, null, null, new io.cdcflow.capture.state.CaptureStates(config)).prepare("chk", source);
    }

    @Test
    void badTablesAndColumnsFailNamingTheProperty() {
        assertThatCode(() -> create(Map.of())).doesNotThrowAnyException();
        assertThatThrownBy(() -> create(Map.of("tables", "capture_ts_check.missing")))
                .hasMessageContaining("cdc.capture.sources.chk.tables").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> create(Map.of("timestamp.column", "modified")))
                .hasMessageContaining("cdc.capture.sources.chk.timestamp.column").hasMessageContaining("no column modified");
        assertThatThrownBy(() -> create(Map.of("timestamp.column", "changed")))
                .hasMessageContaining("cdc.capture.sources.chk.timestamp.column").hasMessageContaining("not a timestamp");
        assertThatThrownBy(() -> create(Map.of("timestamp.created-column", "born")))
                .hasMessageContaining("cdc.capture.sources.chk.timestamp.created-column");
        assertThatThrownBy(() -> create(Map.of("tables", "nodot")))
                .hasMessageContaining("cdc.capture.sources.chk.tables");
        assertThatThrownBy(() -> create(Map.of("timestamp.column", "x\"; drop")))
                .hasMessageContaining("cdc.capture.sources.chk.timestamp.column");
    }
}
