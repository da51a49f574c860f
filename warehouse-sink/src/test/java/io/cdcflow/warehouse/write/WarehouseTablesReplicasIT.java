package io.cdcflow.warehouse.write;

import io.cdcflow.model.TableRef;
import io.cdcflow.testkit.Stack;
import io.cdcflow.testkit.StackEndpoints;
import io.cdcflow.warehouse.config.WarehouseSinkConfig;
import io.cdcflow.warehouse.schema.ColumnType;
import io.cdcflow.warehouse.schema.ColumnType.Kind;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sink replicas (two {@link WarehouseTables}, each with its own cache and connection) evolving one table pair at
 * the same time, against the stack's warehouse: the create, added columns, a widening and a lossy change's new
 * column happen once, each replica ends with the same shape, and the column version is recorded once.
 */
class WarehouseTablesReplicasIT {

    private static final String SCHEMA_PREFIX = "replicas_";

    private static WarehouseSinkConfig config() {
        return new WarehouseSinkConfig() {
            public Optional<String> schemaPrefix() {
                return Optional.of(SCHEMA_PREFIX);
            }

            public String historySuffix() {
                return "_history";
            }

            public String metaSchema() {
                return "cdc_sink";
            }
        };
    }

    private static Connection connect(StackEndpoints stack) throws Exception {
        return DriverManager.getConnection(stack.storePgJdbcUrl("warehouse"), stack.get("CDC_STORE_PG_USER"),
                stack.get("CDC_STORE_PG_PASSWORD"));
    }

    @Test
    void twoReplicasEvolvingOneTableAtOnceDoEachStepOnce() throws Exception {
        StackEndpoints stack = Stack.up();
        String run = "r" + UUID.randomUUID().toString().substring(0, 6);
        TableNames names = TableNames.of(new TableRef(run, "public", "items"), SCHEMA_PREFIX, "_history");
        Map<String, List<ColumnType>> first = new LinkedHashMap<>();
        first.put("id", List.of(ColumnType.of(Kind.BIGINT)));
        first.put("qty", List.of(ColumnType.of(Kind.INTEGER)));
        first.put("code", List.of(ColumnType.of(Kind.INTEGER)));
        Map<String, List<ColumnType>> then = new LinkedHashMap<>(first);
        then.put("qty", List.of(ColumnType.of(Kind.BIGINT))); // widened
        then.put("code", List.of(ColumnType.of(Kind.TEXT))); // a lossy change
        then.put("note", List.of(ColumnType.of(Kind.TEXT))); // added

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection a = connect(stack); Connection b = connect(stack)) {
            WarehouseTables one = new WarehouseTables(config());
            WarehouseTables two = new WarehouseTables(config());
            for (Map<String, List<ColumnType>> wanted : List.of(first, then)) {
                List<Callable<TableShape>> both = List.of(() -> one.ensure(a, names, List.of("id"), wanted),
                        () -> two.ensure(b, names, List.of("id"), wanted));
                List<TableShape> shapes = new ArrayList<>();
                for (Future<TableShape> f : pool.invokeAll(both)) {
                    shapes.add(f.get());
                }
                assertThat(shapes.get(0)).isEqualTo(shapes.get(1));
            }
            try (Statement s = a.createStatement()) {
                assertThat(columns(s, names.currentSql())).containsExactly("id bigint", "qty bigint", "code integer",
                        "code__text text", "note text");
                assertThat(columns(s, names.historySql())).contains("qty bigint", "code__text text", "note text");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM cdc_sink.column_versions WHERE target_schema = '"
                        + names.schema() + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                s.execute("DROP SCHEMA " + io.cdcflow.warehouse.sql.Identifiers.quote(names.schema()) + " CASCADE");
                s.execute("DELETE FROM cdc_sink.column_versions WHERE target_schema = '" + names.schema() + "'");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> columns(Statement s, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = to_regclass('" + table.replace("'", "''") + "') AND attnum > 0 AND NOT attisdropped"
                + " AND attname NOT LIKE '\\_cdc\\_%' ORDER BY attnum")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
